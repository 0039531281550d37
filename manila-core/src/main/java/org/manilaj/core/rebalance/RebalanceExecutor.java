package org.manilaj.core.rebalance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.copy.CopyEngines;
import org.manilaj.core.db.ErrorText;
import org.manilaj.core.events.Events;
import org.manilaj.core.migration.MigrationDao;
import org.manilaj.core.migration.MigrationPhase;
import org.manilaj.core.migration.MigrationRequest;
import org.manilaj.core.migration.MigrationService;
import org.manilaj.core.migration.ShareMigration;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.replication.ReplicaDao;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.TaskState;
import org.manilaj.scheduler.rebalance.PlanOptions;
import org.manilaj.scheduler.rebalance.RebalancePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out applied plans, a run at a time (a Quartz job, on one node of a cluster, fired when a plan is applied or
 * cancelled and when one of its migrations turns, and every few seconds besides): each move is a migration of its
 * share, started when the limits allow it (two at a time, one per source backend and one per destination backend),
 * completed as soon as its first phase is done, and recorded done, failed, skipped or cancelled from what the
 * migration left. When moves of the last round failed or were skipped, or a drained backend still holds shares, the
 * plan is made again from the state reached (a few times at most). Everything is read back from the database at
 * every run, so a restart carries on: a move marked running whose migration never started is started again.
 */
public final class RebalanceExecutor {
    static final int MAX_RUNNING = 2;
    private static final Logger LOG = LoggerFactory.getLogger(RebalanceExecutor.class);
    private static final RequestContext REBALANCER = new RequestContext("rebalance", "admin", true);
    private static final Set<MigrationPhase> CANCELLABLE = Set.of(MigrationPhase.STARTING, MigrationPhase.COPYING,
            MigrationPhase.PHASE1_DONE);

    /** Moves that started a migration. */
    private static final Set<String> STARTED = Set.of("done", "failed", "cancelled");

    /** A running move that nothing can carry on (no migration, the share neither moved nor movable) fails after this. */
    static final Duration STUCK_AFTER = Duration.ofMinutes(5);

    /** A dry run's plan that nobody applied is deleted after this. */
    static final Duration FORGET_PROPOSALS_AFTER = Duration.ofDays(1);

    /** How many times a plan is made again from the state reached, when moves of the last round failed or were skipped. */
    static final int MAX_REPLANS = 2;

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final MigrationService migrations;
    private final Replanner replanner;
    private final Clock clock;
    private final Duration stuckAfter;

    public RebalanceExecutor(Jdbi jdbi, BackendRegistry registry, MigrationService migrations, Replanner replanner,
                             Clock clock) {
        this(jdbi, registry, migrations, replanner, clock, STUCK_AFTER);
    }

    RebalanceExecutor(Jdbi jdbi, BackendRegistry registry, MigrationService migrations, Replanner replanner, Clock clock,
                      Duration stuckAfter) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.migrations = migrations;
        this.replanner = replanner;
        this.clock = clock;
        this.stuckAfter = stuckAfter;
    }

    /** One tick of every plan in flight. */
    public void advance() {
        dao(dao -> dao.forgetProposals(clock.instant().minus(FORGET_PROPOSALS_AFTER)));
        for (RebalanceDao.PlanRow plan : dao(RebalanceDao::active)) {
            try {
                advance(plan);
            } catch (RuntimeException e) { // the next tick tries again; another plan is not held up
                LOG.error("rebalance plan {}: tick failed: {}", plan.id(), e.getMessage(), e);
            }
        }
    }

    private void advance(RebalanceDao.PlanRow plan) {
        boolean cancelling = "cancelling".equals(plan.status());
        for (RebalanceDao.MoveRow move : moves(plan)) {
            if ("running".equals(move.status())) {
                follow(move, cancelling && plan.cancelInFlight());
            }
        }
        List<RebalanceDao.MoveRow> moves = moves(plan);
        if (cancelling) {
            moves.stream().filter(move -> "pending".equals(move.status()))
                    .forEach(move -> record(move, "pending", "cancelled", "the plan was cancelled"));
            if (moves(plan).stream().noneMatch(move -> "running".equals(move.status()))
                    && end(plan, dao -> dao.planTo(plan.id(), "cancelling", "cancelled", clock.instant()), "cancelled")) {
                LOG.info("rebalance plan {} cancelled", plan.id());
            }
            return;
        }
        startWithinLimits(moves);
        List<RebalanceDao.MoveRow> reached = moves(plan);
        if (reached.stream().anyMatch(move -> "pending".equals(move.status()) || "running".equals(move.status()))) {
            return;
        }
        if (replan(plan, reached)) {
            return;
        }
        if (end(plan, dao -> dao.finish(plan.id(), plan.replans(), clock.instant()), "done")) {
            LOG.info("rebalance plan {} done", plan.id());
        }
    }

    /** Ends the plan by {@code change} and, when it did, writes the plan's event in the same transaction. */
    private boolean end(RebalanceDao.PlanRow plan, Function<RebalanceDao, Integer> change, String outcome) {
        return jdbi.inTransaction(handle -> {
            RebalanceDao dao = handle.attach(RebalanceDao.class);
            if (change.apply(dao) == 0) {
                return false;
            }
            Map<String, Integer> counts = new TreeMap<>();
            dao.moves(plan.id()).forEach(move -> counts.merge(move.status(), 1, Integer::sum));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("plan_id", plan.id());
            data.put("kind", plan.kind());
            data.put("backend", plan.backend());
            data.put("moves_by_status", counts);
            Events.record(handle, "rebalance." + outcome, null, null, data, clock.instant());
            return true;
        });
    }

    /**
     * When moves of the last round failed or were skipped (the state changed under the plan), or a drained backend
     * still holds shares, a fresh plan from the state reached, within what is left of the plan's limits, with the shares whose moves failed held where they
     * are, appended as a new round; at most {@link #MAX_REPLANS} times. True when the plan goes on (a round was
     * appended, here or by another node's tick).
     */
    private boolean replan(RebalanceDao.PlanRow plan, List<RebalanceDao.MoveRow> moves) {
        if (plan.replans() >= MAX_REPLANS || plan.band() == null) {
            return false;
        }
        boolean setBack = moves.stream().anyMatch(move -> move.plannedRound() == plan.replans()
                && ("failed".equals(move.status()) || "skipped".equals(move.status())));
        // a share placed there while the drain was being applied (on a snapshot older than the disable) is not in it
        boolean leftBehind = "drain".equals(plan.kind()) && dao(dao -> dao.sharesOn(plan.backend())) > 0;
        if (!setBack && !leftBehind) {
            return false;
        }
        // the limits bound the migrations a plan starts, whatever came of them; a skipped move never started one
        List<RebalanceDao.MoveRow> started = moves.stream().filter(move -> STARTED.contains(move.status())).toList();
        int movesLeft = plan.maxMoves() - started.size();
        long gibLeft = plan.maxGib() - started.stream().mapToLong(RebalanceDao.MoveRow::sizeGb).sum();
        if (movesLeft <= 0 || gibLeft <= 0) {
            return false;
        }
        // a move that failed, or whose migration an admin cancelled (the only cancel while the plan runs), stays put
        Set<String> held = moves.stream().filter(move -> "failed".equals(move.status()) || "cancelled".equals(move.status()))
                .map(RebalanceDao.MoveRow::shareId).collect(Collectors.toSet());
        PlanScope scope = "drain".equals(plan.kind()) ? PlanScope.drain(plan.backend())
                : PlanScope.rebalance(plan.backends() == null ? List.of() : List.of(plan.backends().split(",")));
        RebalancePlan fresh;
        try {
            fresh = replanner.plan(scope, new PlanOptions(plan.band(), movesLeft, gibLeft), held);
        } catch (RuntimeException e) { // the plan ends as it is rather than failing at every tick
            LOG.error("rebalance plan {}: planning again failed: {}", plan.id(), e.getMessage(), e);
            return false;
        }
        if (fresh.moves().isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        int round = plan.replans() + 1;
        boolean appended = jdbi.inTransaction(handle -> {
            RebalanceDao dao = handle.attach(RebalanceDao.class);
            if (dao.replanned(plan.id(), plan.replans(), now) == 0) {
                return false;
            }
            int first = dao.nextSeq(plan.id());
            dao.insertMoves(plan.id(), IntStream.range(first, first + fresh.moves().size()).boxed().toList(), fresh.moves(),
                    now, round);
            return true;
        });
        if (appended) {
            LOG.info("rebalance plan {}: {}; planned again from the state reached (round {}): {} more move(s), {} GiB",
                    plan.id(), setBack ? "moves failed or were skipped" : "shares are left on " + plan.backend(), round,
                    fresh.moves().size(), fresh.gibMoved());
        }
        return true; // appended here, or by another tick that counted the same re-plan first
    }

    /** A running move's migration: completed after its first phase, recorded when it ended, started if it never was. */
    private void follow(RebalanceDao.MoveRow move, boolean cancelInFlight) {
        Optional<Share> share = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(move.shareId()));
        if (share.isEmpty()) {
            record(move, "running", "failed", "the share is gone");
            return;
        }
        Optional<ShareMigration> migration = jdbi.withExtension(MigrationDao.class, dao -> dao.findByShare(move.shareId()));
        if (migration.isPresent()) {
            if (!migration.get().destHost().equals(move.toPool())) {
                record(move, "running", "failed", "another migration of the share, to " + migration.get().destHost());
            } else if (CANCELLABLE.contains(migration.get().migrationPhase()) && (cancelInFlight || cancelledInFlight(move))) {
                call(move, () -> migrations.cancel(REBALANCER, move.shareId()));
            } else if (migration.get().migrationPhase() == MigrationPhase.PHASE1_DONE) {
                call(move, () -> migrations.complete(REBALANCER, move.shareId()));
            }
            return;
        }
        Share now = share.get();
        Optional<TaskState> task = now.task();
        if (move.toPool().equals(now.host())) {
            record(move, "running", "done", null);
            LOG.info("rebalance plan {}: share {} moved to {}", move.planId(), move.shareId(), move.toPool());
        } else if (task.isPresent() && (task.get() == TaskState.MIGRATION_ERROR || task.get() == TaskState.MIGRATION_CANCELLED)) {
            // read now, after the share: the roll-back noted the migration's error with the state the share shows
            Optional<String> why = dao(dao -> dao.error(move.planId(), move.seq()));
            record(move, "running", task.get() == TaskState.MIGRATION_CANCELLED ? "cancelled" : "failed",
                    "the migration ended in " + now.taskState() + why.map(error -> ": " + error).orElse(""));
        } else if (move.fromPool().equals(now.host()) && "available".equals(now.status())) {
            if (!planRunning(move)) {
                record(move, "running", "cancelled", "the plan was cancelled before its migration started");
            } else if (startMigration(move) == Start.BUSY && move.updatedAt().plus(stuckAfter).isBefore(clock.instant())) {
                // marked running, then the service stopped before the migration was recorded, or the share was busy:
                // started now, unless it has stayed busy too long
                record(move, "running", "failed", "its migration could not start for " + stuckAfter.toMinutes()
                        + " minutes: the share stayed busy with another operation");
            }
        } else if (move.updatedAt().plus(stuckAfter).isBefore(clock.instant())) {
            record(move, "running", "failed", "the share is " + now.status() + (now.taskState() == null ? ""
                    : " (task " + now.taskState() + ")") + " and no migration of it runs: nothing moves it");
        }
    }

    /** Whether the move's plan still runs (read now: a cancel may have come since the tick began). */
    private boolean planRunning(RebalanceDao.MoveRow move) {
        return jdbi.withExtension(RebalanceDao.class, dao -> dao.plan(move.planId()))
                .map(plan -> "running".equals(plan.status())).orElse(false);
    }

    /** Whether the move's plan was cancelled, since the tick began, with its moves under way cancelled too. */
    private boolean cancelledInFlight(RebalanceDao.MoveRow move) {
        return jdbi.withExtension(RebalanceDao.class, dao -> dao.plan(move.planId()))
                .map(plan -> "cancelling".equals(plan.status()) && plan.cancelInFlight()).orElse(false);
    }

    private void startWithinLimits(List<RebalanceDao.MoveRow> moves) {
        Map<String, Integer> fromBackend = new HashMap<>();
        Map<String, Integer> toBackend = new HashMap<>();
        int running = 0;
        for (RebalanceDao.MoveRow move : moves) {
            if ("running".equals(move.status())) {
                running++;
                fromBackend.merge(backend(move.fromPool()), 1, Integer::sum);
                toBackend.merge(backend(move.toPool()), 1, Integer::sum);
            }
        }
        // in the plan's order: a move may rely on the room an earlier one makes, so none overtakes a blocked one
        for (RebalanceDao.MoveRow move : moves) {
            if (!"pending".equals(move.status())) {
                continue;
            }
            if (running >= MAX_RUNNING || fromBackend.getOrDefault(backend(move.fromPool()), 0) > 0
                    || toBackend.getOrDefault(backend(move.toPool()), 0) > 0) {
                return;
            }
            Optional<String> changed = changed(move);
            if (changed.isPresent()) {
                record(move, "pending", "skipped", changed.get());
                continue;
            }
            if (jdbi.withExtension(RebalanceDao.class, dao -> dao.startMove(move.planId(), move.seq(), clock.instant())) == 0) {
                continue;
            }
            Start start = startMigration(move);
            if (start == Start.BUSY) {
                return; // it stays running, next in order: nothing overtakes it, and it holds its backends' slots
            }
            if (start == Start.STARTED) {
                running++;
                fromBackend.merge(backend(move.fromPool()), 1, Integer::sum);
                toBackend.merge(backend(move.toPool()), 1, Integer::sum);
            }
        }
    }

    /** Why the move no longer holds (the share changed since the plan), or empty. */
    private Optional<String> changed(RebalanceDao.MoveRow move) {
        Optional<Share> share = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(move.shareId()));
        if (share.isEmpty()) {
            return Optional.of("the share is gone");
        }
        if (!move.fromPool().equals(share.get().host())) {
            return Optional.of("the share is on " + share.get().host() + " now");
        }
        if (!"available".equals(share.get().status())) {
            return Optional.of("the share is " + share.get().status());
        }
        if (jdbi.withExtension(ReplicaDao.class, replicas -> replicas.secondaries(move.shareId())) > 0) {
            return Optional.of("the share has replicas now");
        }
        return Optional.empty();
    }

    /** What starting a move's migration came to: started, refused for now (the share is busy), or failed. */
    private enum Start { STARTED, BUSY, FAILED }

    /** Starts the move's migration: writable unless the source cannot stop writes for the cut-over (export: none). */
    private Start startMigration(RebalanceDao.MoveRow move) {
        Optional<BackendRegistry.PoolEntry> from = registry.pool(move.fromPool());
        Optional<BackendRegistry.PoolEntry> to = registry.pool(move.toPool());
        if (from.isEmpty() || to.isEmpty()) {
            record(move, "running", "failed", "pool " + (from.isEmpty() ? move.fromPool() : move.toPool())
                    + " is not configured any more");
            return Start.FAILED;
        }
        boolean writable = from.get().driver().capabilities().enforcesAccess() || CopyEngines.snapshotsMatch(from.get(), to.get());
        try {
            migrations.start(REBALANCER, move.shareId(), new MigrationRequest(move.toPool(), writable, false, false, false,
                    false, null));
            LOG.info("rebalance plan {}: share {} ({} GiB) moving from {} to {}", move.planId(), move.shareId(),
                    move.sizeGb(), move.fromPool(), move.toPool());
            return Start.STARTED;
        } catch (ManilaException e) {
            Optional<ShareMigration> running = jdbi.withExtension(MigrationDao.class, dao -> dao.findByShare(move.shareId()));
            if (running.isPresent() && running.get().destHost().equals(move.toPool())) {
                return Start.STARTED; // started meanwhile (a tick of another node): followed from now on
            }
            if (e.getMessage() != null && e.getMessage().contains(MigrationService.BUSY)) {
                // another operation of the share: the move stays running (next in order) and is tried at the next
                // tick, until it has waited too long
                return Start.BUSY;
            }
            record(move, "running", "failed", e.getMessage());
            return Start.FAILED;
        }
    }

    private void call(RebalanceDao.MoveRow move, Runnable step) {
        try {
            step.run();
        } catch (ManilaException e) { // the migration moved on meanwhile: the next tick sees where it is
            LOG.debug("rebalance plan {}: share {}: {}", move.planId(), move.shareId(), e.getMessage());
        }
    }

    private boolean record(RebalanceDao.MoveRow move, String from, String to, String error) {
        if (error != null && !"done".equals(to)) {
            LOG.warn("rebalance plan {}: move of share {} {}: {}", move.planId(), move.shareId(), to, error);
        }
        return jdbi.withExtension(RebalanceDao.class, dao -> dao.moveTo(move.planId(), move.seq(), from, to,
                error == null ? null : ErrorText.of(error), clock.instant())) == 1;
    }

    private List<RebalanceDao.MoveRow> moves(RebalanceDao.PlanRow plan) {
        return jdbi.withExtension(RebalanceDao.class, dao -> dao.moves(plan.id()));
    }

    private <T> T dao(Function<RebalanceDao, T> query) {
        return jdbi.withExtension(RebalanceDao.class, query::apply);
    }

    private String backend(String pool) {
        return registry.pool(pool).map(BackendRegistry.PoolEntry::backend).orElse(pool);
    }
}
