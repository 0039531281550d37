package org.manilaj.core.events;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The outbox of events. */
@RegisterConstructorMapper(Event.class)
public interface EventDao {
    String COLUMNS = "seq, id, type, share_id, project_id, payload, created_at";

    @SqlUpdate("INSERT INTO events (id, type, share_id, project_id, payload, created_at)"
            + " VALUES (:id, :type, :shareId, :projectId, :payload, :at)")
    void insert(@Bind("id") String id, @Bind("type") String type, @Bind("shareId") String shareId,
                @Bind("projectId") String projectId, @Bind("payload") String payload, @Bind("at") Instant at);

    @SqlQuery("SELECT " + COLUMNS + " FROM events WHERE seq > :after ORDER BY seq LIMIT :limit")
    List<Event> after(@Bind("after") long after, @Bind("limit") int limit);

    @SqlQuery("SELECT " + COLUMNS + " FROM events WHERE seq = :seq")
    Optional<Event> find(@Bind("seq") long seq);

    @SqlQuery("SELECT " + COLUMNS + " FROM events WHERE id = :id")
    Optional<Event> findById(@Bind("id") String id);

    @SqlQuery("SELECT COALESCE(MAX(seq), 0) FROM events")
    long lastSeq();
}
