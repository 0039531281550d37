package org.manilaj.core.rebalance;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Applied plans and their moves; changes of status are conditional on the status seen. */
public interface RebalanceDao {

    /** A plan as stored: {@code status} running, cancelling, done or cancelled. */
    record PlanRow(String id, String kind, String backend, String status, boolean cancelInFlight, String createdBy,
                   Instant createdAt, Instant updatedAt) {
    }

    /** A move as stored: {@code status} pending, running, done, failed, skipped or cancelled. */
    record MoveRow(String planId, int seq, String shareId, int sizeGb, String fromPool, String toPool, String status,
                   String error, Instant updatedAt) {
    }

    @SqlUpdate("INSERT INTO rebalance_plans (id, kind, backend, status, cancel_in_flight, created_by, created_at, updated_at)"
            + " VALUES (:id, :kind, :backend, 'running', FALSE, :createdBy, :now, :now)")
    void insertPlan(@Bind("id") String id, @Bind("kind") String kind, @Bind("backend") String backend,
                    @Bind("createdBy") String createdBy, @Bind("now") Instant now);

    @SqlUpdate("INSERT INTO rebalance_moves (plan_id, seq, share_id, size_gb, from_pool, to_pool, status, updated_at)"
            + " VALUES (:planId, :seq, :shareId, :sizeGb, :fromPool, :toPool, 'pending', :now)")
    void insertMove(@Bind("planId") String planId, @Bind("seq") int seq, @Bind("shareId") String shareId,
                    @Bind("sizeGb") int sizeGb, @Bind("fromPool") String fromPool, @Bind("toPool") String toPool,
                    @Bind("now") Instant now);

    @SqlQuery("SELECT id, kind, backend, status, cancel_in_flight, created_by, created_at, updated_at FROM rebalance_plans"
            + " WHERE id = :id")
    @RegisterConstructorMapper(PlanRow.class)
    Optional<PlanRow> plan(@Bind("id") String id);

    @SqlQuery("SELECT id, kind, backend, status, cancel_in_flight, created_by, created_at, updated_at FROM rebalance_plans"
            + " ORDER BY created_at DESC, id")
    @RegisterConstructorMapper(PlanRow.class)
    List<PlanRow> plans();

    @SqlQuery("SELECT id, kind, backend, status, cancel_in_flight, created_by, created_at, updated_at FROM rebalance_plans"
            + " WHERE status IN ('running', 'cancelling') ORDER BY created_at, id")
    @RegisterConstructorMapper(PlanRow.class)
    List<PlanRow> active();

    @SqlQuery("SELECT plan_id, seq, share_id, size_gb, from_pool, to_pool, status, error, updated_at FROM rebalance_moves"
            + " WHERE plan_id = :planId ORDER BY seq")
    @RegisterConstructorMapper(MoveRow.class)
    List<MoveRow> moves(@Bind("planId") String planId);

    @SqlUpdate("UPDATE rebalance_moves SET status = :to, error = :error, updated_at = :now WHERE plan_id = :planId"
            + " AND seq = :seq AND status = :from")
    int moveTo(@Bind("planId") String planId, @Bind("seq") int seq, @Bind("from") String from, @Bind("to") String to,
               @Bind("error") String error, @Bind("now") Instant now);

    /** A pending move started, only while its plan runs (a cancel that came first wins). */
    @SqlUpdate("UPDATE rebalance_moves SET status = 'running', updated_at = :now WHERE plan_id = :planId AND seq = :seq"
            + " AND status = 'pending' AND EXISTS (SELECT 1 FROM rebalance_plans p WHERE p.id = :planId"
            + " AND p.status = 'running')")
    int startMove(@Bind("planId") String planId, @Bind("seq") int seq, @Bind("now") Instant now);

    @SqlUpdate("UPDATE rebalance_plans SET status = :to, updated_at = :now WHERE id = :id AND status = :from")
    int planTo(@Bind("id") String id, @Bind("from") String from, @Bind("to") String to, @Bind("now") Instant now);

    @SqlUpdate("UPDATE rebalance_plans SET status = 'cancelling', cancel_in_flight = :inFlight, updated_at = :now"
            + " WHERE id = :id AND status = 'running'")
    int cancel(@Bind("id") String id, @Bind("inFlight") boolean cancelInFlight, @Bind("now") Instant now);
}
