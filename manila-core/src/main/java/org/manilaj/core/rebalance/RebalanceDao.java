package org.manilaj.core.rebalance;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.manilaj.scheduler.rebalance.Move;

/** Stored plans (proposed by dry runs, or applied) and their moves; changes of status are conditional on the status seen. */
public interface RebalanceDao {
    String PLAN_COLUMNS = "id, kind, backend, status, cancel_in_flight, created_by, created_at, updated_at, band, max_moves,"
            + " max_gib, backends, replans, applied_by";
    String MOVE_COLUMNS = "plan_id, seq, share_id, size_gb, from_pool, to_pool, status, error, updated_at, planned_round";

    /**
     * A plan as stored: {@code status} proposed (a dry run's), running, cancelling, done or cancelled; the options it was applied with
     * ({@code backends}: the backends a rebalance was limited to, comma-separated, or null for all; the options are
     * null for plans stored before they were kept), how many times the job planned again from the state reached, and
     * who applied it (null while proposed).
     */
    record PlanRow(String id, String kind, String backend, String status, boolean cancelInFlight, String createdBy,
                   Instant createdAt, Instant updatedAt, Double band, Integer maxMoves, Long maxGib, String backends,
                   int replans, String appliedBy) {
    }

    /**
     * A move as stored: {@code status} pending, running, done, failed, skipped or cancelled; {@code plannedRound} 0
     * for the plan as applied, then the re-plan that added it.
     */
    record MoveRow(String planId, int seq, String shareId, int sizeGb, String fromPool, String toPool, String status,
                   String error, Instant updatedAt, int plannedRound) {
    }

    @SqlUpdate("INSERT INTO rebalance_plans (id, kind, backend, status, cancel_in_flight, created_by, created_at, updated_at,"
            + " band, max_moves, max_gib, backends, replans, applied_by) VALUES (:id, :kind, :backend, :status, FALSE,"
            + " :createdBy, :now, :now, :band, :maxMoves, :maxGib, :backends, 0, :appliedBy)")
    void insertPlan(@Bind("id") String id, @Bind("kind") String kind, @Bind("backend") String backend,
                    @Bind("status") String status, @Bind("createdBy") String createdBy, @Bind("now") Instant now,
                    @Bind("band") Double band,
                    @Bind("maxMoves") Integer maxMoves, @Bind("maxGib") Long maxGib, @Bind("backends") String backends,
                    @Bind("appliedBy") String appliedBy);

    /** A plan's moves, {@code seqs} giving each its place. */
    @SqlBatch("INSERT INTO rebalance_moves (plan_id, seq, share_id, size_gb, from_pool, to_pool, status, updated_at,"
            + " planned_round) VALUES (:planId, :seq, :move.shareId, :move.sizeGb, :move.from, :move.to, 'pending', :now,"
            + " :round)")
    void insertMoves(@Bind("planId") String planId, @Bind("seq") List<Integer> seqs, @BindMethods("move") List<Move> moves,
                     @Bind("now") Instant now, @Bind("round") int round);

    /** Dry runs' plans nobody applied. */
    @SqlUpdate("DELETE FROM rebalance_plans WHERE status = 'proposed' AND created_at < :before")
    int forgetProposals(@Bind("before") Instant before);

    /** Counts a re-plan, once: another node's tick that saw the same count loses (0). */
    @SqlUpdate("UPDATE rebalance_plans SET replans = replans + 1, updated_at = :now WHERE id = :id AND replans = :seen"
            + " AND status = 'running'")
    int replanned(@Bind("id") String id, @Bind("seen") int seen, @Bind("now") Instant now);

    /** How many shares sit on the pools of {@code backend} (a drain is not over while any does). */
    @SqlQuery("SELECT COUNT(*) FROM shares s JOIN pools p ON p.name = s.host WHERE p.backend = :backend")
    int sharesOn(@Bind("backend") String backend);

    @SqlQuery("SELECT COALESCE(MAX(seq), -1) + 1 FROM rebalance_moves WHERE plan_id = :planId")
    int nextSeq(@Bind("planId") String planId);

    @SqlQuery("SELECT " + PLAN_COLUMNS + " FROM rebalance_plans WHERE id = :id")
    @RegisterConstructorMapper(PlanRow.class)
    Optional<PlanRow> plan(@Bind("id") String id);

    @SqlQuery("SELECT " + PLAN_COLUMNS + " FROM rebalance_plans ORDER BY created_at DESC, id")
    @RegisterConstructorMapper(PlanRow.class)
    List<PlanRow> plans();

    @SqlQuery("SELECT " + PLAN_COLUMNS + " FROM rebalance_plans WHERE status IN ('running', 'cancelling')"
            + " ORDER BY created_at, id")
    @RegisterConstructorMapper(PlanRow.class)
    List<PlanRow> active();

    @SqlQuery("SELECT " + MOVE_COLUMNS + " FROM rebalance_moves WHERE plan_id = :planId ORDER BY seq")
    @RegisterConstructorMapper(MoveRow.class)
    List<MoveRow> moves(@Bind("planId") String planId);

    @SqlUpdate("UPDATE rebalance_moves SET status = :to, error = :error, updated_at = :now WHERE plan_id = :planId"
            + " AND seq = :seq AND status = :from")
    int moveTo(@Bind("planId") String planId, @Bind("seq") int seq, @Bind("from") String from, @Bind("to") String to,
               @Bind("error") String error, @Bind("now") Instant now);

    /**
     * Keeps why a running move's migration failed (the migration's own record goes with its roll-back), in the
     * roll-back's transaction.
     */
    @SqlUpdate("UPDATE rebalance_moves SET error = :error WHERE share_id = :shareId AND to_pool = :toPool"
            + " AND status = 'running'")
    int noteMigrationError(@Bind("shareId") String shareId, @Bind("toPool") String toPool, @Bind("error") String error);

    @SqlQuery("SELECT COUNT(*) FROM rebalance_moves WHERE share_id = :shareId AND to_pool = :toPool AND status = 'running'")
    int runningMoves(@Bind("shareId") String shareId, @Bind("toPool") String toPool);

    /** A pending move started, only while its plan runs (a cancel that came first wins). */
    @SqlUpdate("UPDATE rebalance_moves SET status = 'running', updated_at = :now WHERE plan_id = :planId AND seq = :seq"
            + " AND status = 'pending' AND EXISTS (SELECT 1 FROM rebalance_plans p WHERE p.id = :planId"
            + " AND p.status = 'running')")
    int startMove(@Bind("planId") String planId, @Bind("seq") int seq, @Bind("now") Instant now);

    /** A dry run's plan applied by {@code by}. */
    @SqlUpdate("UPDATE rebalance_plans SET status = 'running', applied_by = :by, updated_at = :now WHERE id = :id"
            + " AND status = 'proposed'")
    int applyProposed(@Bind("id") String id, @Bind("by") String by, @Bind("now") Instant now);

    @SqlQuery("SELECT error FROM rebalance_moves WHERE plan_id = :planId AND seq = :seq")
    Optional<String> error(@Bind("planId") String planId, @Bind("seq") int seq);

    @SqlUpdate("UPDATE rebalance_plans SET status = :to, updated_at = :now WHERE id = :id AND status = :from")
    int planTo(@Bind("id") String id, @Bind("from") String from, @Bind("to") String to, @Bind("now") Instant now);

    /**
     * A running plan ends, only once none of its moves is pending or running and no re-plan came since the tick read
     * it ({@code replans = :seen}: the plan row's own value is checked again after waiting on another tick's lock,
     * where a subquery on the moves may still read what the statement began with).
     */
    @SqlUpdate("UPDATE rebalance_plans SET status = 'done', updated_at = :now WHERE id = :id AND status = 'running'"
            + " AND replans = :seen AND NOT EXISTS (SELECT 1 FROM rebalance_moves m WHERE m.plan_id = :id"
            + " AND m.status IN ('pending', 'running'))")
    int finish(@Bind("id") String id, @Bind("seen") int seenReplans, @Bind("now") Instant now);

    @SqlUpdate("UPDATE rebalance_plans SET status = 'cancelling', cancel_in_flight = :inFlight, updated_at = :now"
            + " WHERE id = :id AND status = 'running'")
    int cancel(@Bind("id") String id, @Bind("inFlight") boolean cancelInFlight, @Bind("now") Instant now);
}
