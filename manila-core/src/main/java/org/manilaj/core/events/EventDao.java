package org.manilaj.core.events;

import java.time.Instant;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The outbox of events. */
public interface EventDao {
    @SqlUpdate("INSERT INTO events (id, type, share_id, project_id, payload, created_at)"
            + " VALUES (:id, :type, :shareId, :projectId, :payload, :at)")
    @GetGeneratedKeys("seq")
    long insert(@Bind("id") String id, @Bind("type") String type, @Bind("shareId") String shareId,
                @Bind("projectId") String projectId, @Bind("payload") String payload, @Bind("at") Instant at);

    /** Whether any hook is subscribed to events of {@code type}: most services have none, and the insert below costs a scan. */
    @SqlQuery("SELECT COUNT(*) > 0 FROM hook_subscriptions WHERE CAST(:type AS VARCHAR(64)) LIKE pattern ESCAPE '!'")
    boolean anySubscriber(@Bind("type") String type);

    /**
     * The event's pending delivery to every hook subscribed to its type, in the event's transaction: a delivery
     * exists exactly when its event committed, whatever order concurrent transactions commit in.
     */
    @SqlUpdate("INSERT INTO hook_deliveries (hook, event_seq, share_id, status, attempts, next_attempt_at, updated_at)"
            + " SELECT s.hook, CAST(:seq AS BIGINT), CAST(:shareId AS VARCHAR(36)), 'pending', 0, CAST(:at AS TIMESTAMP),"
            + " CAST(:at AS TIMESTAMP) FROM (SELECT DISTINCT hook FROM hook_subscriptions"
            + " WHERE CAST(:type AS VARCHAR(64)) LIKE pattern ESCAPE '!') s")
    int subscribe(@Bind("seq") long seq, @Bind("type") String type, @Bind("shareId") String shareId, @Bind("at") Instant at);
}
