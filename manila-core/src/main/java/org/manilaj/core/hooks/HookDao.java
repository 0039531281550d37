package org.manilaj.core.hooks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Which hooks hear which event types, and their deliveries; changes of a delivery are conditional on its state. */
public interface HookDao {

    /** A delivery of one event to one hook, with the event's id and type. */
    record Delivery(String hook, long eventSeq, String eventId, String eventType, String shareId, String status,
                    int attempts, Instant nextAttemptAt, String lastError, Instant updatedAt) {
    }

    String DELIVERY_COLUMNS = "d.hook, d.event_seq, e.id AS event_id, e.type AS event_type, d.share_id, d.status,"
            + " d.attempts, d.next_attempt_at, d.last_error, d.updated_at";

    @SqlUpdate("DELETE FROM hook_subscriptions")
    void forgetSubscriptions();

    @SqlUpdate("INSERT INTO hook_subscriptions (hook, pattern) VALUES (:hook, :pattern)")
    void subscribe(@Bind("hook") String hook, @Bind("pattern") String pattern);

    /** The hook's pending deliveries in the outbox's order, due or not (one not due holds back its share's later ones). */
    @SqlQuery("SELECT " + DELIVERY_COLUMNS + " FROM hook_deliveries d JOIN events e ON e.seq = d.event_seq"
            + " WHERE d.hook = :hook AND d.status = 'pending' ORDER BY d.event_seq LIMIT :limit")
    @RegisterConstructorMapper(Delivery.class)
    List<Delivery> pending(@Bind("hook") String hook, @Bind("limit") int limit);

    @SqlQuery("SELECT " + DELIVERY_COLUMNS + " FROM hook_deliveries d JOIN events e ON e.seq = d.event_seq"
            + " WHERE d.hook = :hook AND (CAST(:status AS VARCHAR(16)) IS NULL OR d.status = :status)"
            + " ORDER BY d.event_seq DESC LIMIT :limit")
    @RegisterConstructorMapper(Delivery.class)
    List<Delivery> recent(@Bind("hook") String hook, @Bind("status") String status, @Bind("limit") int limit);

    @SqlQuery("SELECT payload FROM events WHERE seq = :seq")
    String payload(@Bind("seq") long seq);

    @SqlUpdate("UPDATE hook_deliveries SET status = 'delivered', attempts = attempts + 1, last_error = NULL,"
            + " updated_at = :now WHERE hook = :hook AND event_seq = :seq AND status = 'pending'")
    int delivered(@Bind("hook") String hook, @Bind("seq") long seq, @Bind("now") Instant now);

    /** A try that failed: tried again at {@code next}, or dead ({@code status}). */
    @SqlUpdate("UPDATE hook_deliveries SET status = :status, attempts = attempts + 1, last_error = :error,"
            + " next_attempt_at = :next, updated_at = :now WHERE hook = :hook AND event_seq = :seq AND status = 'pending'")
    int failed(@Bind("hook") String hook, @Bind("seq") long seq, @Bind("status") String status,
               @Bind("error") String error, @Bind("next") Instant next, @Bind("now") Instant now);

    @SqlUpdate("UPDATE hook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = :now, updated_at = :now"
            + " WHERE hook = :hook AND event_seq = (SELECT seq FROM events WHERE id = :eventId) AND status = 'dead'")
    int redeliver(@Bind("hook") String hook, @Bind("eventId") String eventId, @Bind("now") Instant now);

    @SqlQuery("SELECT COUNT(*) FROM hook_deliveries WHERE hook = :hook AND status = :status")
    int count(@Bind("hook") String hook, @Bind("status") String status);
}
