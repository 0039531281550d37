package org.manilaj.core.rebalance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.migration.ShareMigration;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.core.types.ShareTypeDao;
import org.manilaj.core.types.ShareTypeRow;
import org.manilaj.scheduler.rebalance.Move;
import org.manilaj.scheduler.rebalance.PlanOptions;
import org.manilaj.scheduler.rebalance.RebalancePlan;

/**
 * The rebalancing job on both databases, with the database as the only component (no migration runs; a re-planner
 * that records what it is asked stands for the planner): a move nothing can carry on fails instead of holding its
 * plan for ever; a cancel that comes first stops a move from starting; re-planning after setbacks, within what is
 * left of the limits, a few times at most, never ending a plan under a re-plan of another node; a failed move keeps
 * its migration's error; the job is fired by a move's migration only.
 */
class RebalanceExecutorTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final String A = "manila@a#pool0";
    private static final String B = "manila@b#pool0";

    /** A re-planner that records what it was asked and answers with the same moves each time. */
    private static final class Recording implements Replanner {
        final List<PlanScope> scopes = new ArrayList<>();
        final List<PlanOptions> options = new ArrayList<>();
        final List<Set<String>> held = new ArrayList<>();
        private final List<Move> moves;

        Recording(Move... moves) {
            this.moves = List.of(moves);
        }

        @Override
        public RebalancePlan plan(PlanScope scope, PlanOptions options, Set<String> held) {
            this.scopes.add(scope);
            this.options.add(options);
            this.held.add(held);
            return new RebalancePlan(moves, List.of(), Map.of(), Map.of(), 0, 0, true);
        }
    }

    private static Move move(String shareId, String to) {
        return new Move(shareId, 10, A, to, 0, 0, 0, 0);
    }

    private static RebalanceExecutor executor(Jdbi jdbi, Replanner replanner) {
        return executor(jdbi, replanner, T0);
    }

    private static RebalanceExecutor executor(Jdbi jdbi, Replanner replanner, Instant now) {
        return new RebalanceExecutor(jdbi, new BackendRegistry("manila", List.of(), Map.of()), null, replanner,
                Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5));
    }

    /** A running drain of backend {@code a} with the default options. */
    private static RebalanceDao drainOfA(Jdbi jdbi, String planId) {
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan(planId, "drain", "a", "running", "admin", T0, 10.0, 1000, 1000L, null, "admin");
        return dao;
    }

    /** A pending 10 GiB move from pool a to pool b, in round {@code round}. */
    private static void moveOf(RebalanceDao dao, String planId, int seq, String shareId, int round) {
        insertMove(dao, planId, seq, shareId, 10, A, B, T0, round);
    }

    private static String insertShare(Jdbi jdbi, String status, String host, String taskState) {
        String typeId = UUID.randomUUID().toString();
        String shareId = UUID.randomUUID().toString();
        jdbi.useTransaction(handle -> {
            handle.attach(ShareTypeDao.class).insert(new ShareTypeRow(typeId, "type-" + typeId, null, true, T0));
            handle.attach(ShareDao.class).insert(new Share(shareId, "p", "u", "s", null, 10, "NFS", typeId, null,
                    status, host, null, false, taskState, "active", T0, T0, 10, null));
            handle.execute("UPDATE shares SET host = ?, task_state = ? WHERE id = ?", host, taskState, shareId);
        });
        return shareId;
    }

    /** A share on pool a, with the pool and its backend registered (the drain's "shares left" count sees it). */
    private static String shareOnPoolA(Jdbi jdbi) {
        PoolDao pools = jdbi.onDemand(PoolDao.class);
        pools.insertBackend("a", "manila", "linux");
        pools.insertPool(A, "a", "pool0", 10);
        return insertShare(jdbi, "available", A, null);
    }

    private static String status(RebalanceDao dao, String planId) {
        return dao.plan(planId).orElseThrow().status();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aMoveNothingCanCarryOnFailsSoThatItsPlanEnds(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String shareId = insertShare(jdbi, "extending_error", A, null);
        RebalanceDao dao = drainOfA(jdbi, "plan-1");
        moveOf(dao, "plan-1", 0, shareId, 0);
        assertThat(dao.startMove("plan-1", 0, T0)).isEqualTo(1); // marked running; then the service died

        executor(jdbi, new Recording(), T0.plusSeconds(60)).advance();
        assertThat(dao.moves("plan-1")).singleElement().extracting(RebalanceDao.MoveRow::status).isEqualTo("running");

        executor(jdbi, new Recording(), T0.plusSeconds(600)).advance();
        assertThat(dao.moves("plan-1")).singleElement().satisfies(move -> {
            assertThat(move.status()).isEqualTo("failed");
            assertThat(move.error()).contains("extending_error", "nothing moves it");
        });
        executor(jdbi, new Recording(), T0.plusSeconds(602)).advance();
        assertThat(status(dao, "plan-1")).as("the plan ends").isEqualTo("done");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCancelThatComesFirstStopsAMoveFromStarting(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = drainOfA(jdbi, "plan-2");
        moveOf(dao, "plan-2", 0, "share", 0);
        assertThat(dao.cancel("plan-2", false, T0)).isEqualTo(1);
        assertThat(dao.startMove("plan-2", 0, T0)).isZero();
        assertThat(dao.moves("plan-2")).singleElement().extracting(RebalanceDao.MoveRow::status).isEqualTo("pending");
    }

    /**
     * Moves of the last round failed or were skipped: the plan is made again from the state reached, within what
     * the migrations it started left of its limits, with the shares whose moves failed held, and appended as the
     * next round; at most {@code MAX_REPLANS} times, then it ends as it is.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void failedMovesArePlannedAgainWithinWhatIsLeftOfTheLimits(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-3", "rebalance", null, "running", "admin", T0, 5.0, 7, 400L, "a,c", "admin");
        insertMove(dao, "plan-3", 0, "moved", 30, A, "manila@c#pool0", T0, 0);
        dao.moveTo("plan-3", 0, "pending", "done", null, T0);
        insertMove(dao, "plan-3", 1, "failing", 10, A, "manila@c#pool0", T0, 0);
        dao.startMove("plan-3", 1, T0); // running, and its share is gone: it fails
        Recording again = new Recording(move("gone", "manila@c#pool0"));

        RebalanceExecutor executor = executor(jdbi, again);
        for (int tick = 0; tick < 6; tick++) {
            executor.advance(); // each appended move is skipped (its share is gone), then planned again
        }

        assertThat(again.options).as("within what the migrations started (done and failed) left of 7 moves and 400 GiB")
                .containsOnly(new PlanOptions(5, 5, 360)).hasSize(RebalanceExecutor.MAX_REPLANS);
        assertThat(again.scopes).containsOnly(PlanScope.rebalance(List.of("a", "c")));
        assertThat(again.held).as("the share whose move failed stays where it is").containsOnly(Set.of("failing"));
        assertThat(dao.moves("plan-3")).extracting(RebalanceDao.MoveRow::status, RebalanceDao.MoveRow::plannedRound)
                .containsExactly(tuple("done", 0), tuple("failed", 0), tuple("skipped", 1), tuple("skipped", 2));
        assertThat(dao.plan("plan-3")).get().satisfies(plan -> {
            assertThat(plan.status()).isEqualTo("done");
            assertThat(plan.replans()).isEqualTo(RebalanceExecutor.MAX_REPLANS);
        });
    }

    /** A round that went as planned is not planned again, even when an earlier round had setbacks. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void onlySetbacksOfTheLastRoundCallForAnotherPlan(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = drainOfA(jdbi, "plan-4");
        moveOf(dao, "plan-4", 0, "s0", 0);
        dao.moveTo("plan-4", 0, "pending", "skipped", "the share is gone", T0);
        assertThat(dao.replanned("plan-4", 0, T0)).isEqualTo(1);
        moveOf(dao, "plan-4", 1, "s1", 1);
        dao.moveTo("plan-4", 1, "pending", "done", null, T0);
        Recording replanner = new Recording();

        executor(jdbi, replanner).advance();

        assertThat(replanner.scopes).isEmpty();
        assertThat(status(dao, "plan-4")).isEqualTo("done");
    }

    /** A re-planner that throws ends the plan as it is instead of failing at every tick with the plan held running. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aReplanThatFailsEndsThePlan(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = drainOfA(jdbi, "plan-5");
        moveOf(dao, "plan-5", 0, "gone", 0);

        executor(jdbi, (scope, options, held) -> {
            throw new IllegalStateException("backend b could not be read");
        }).advance();

        assertThat(dao.moves("plan-5")).singleElement().extracting(RebalanceDao.MoveRow::status).isEqualTo("skipped");
        assertThat(status(dao, "plan-5")).isEqualTo("done");
    }

    /**
     * Two ticks (two nodes) re-plan one after the other: the one that counts the re-plan second appends nothing and
     * does not end the plan, whose new moves the other appended.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aTickThatLosesTheReplanLeavesThePlanRunning(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = drainOfA(jdbi, "plan-6");
        moveOf(dao, "plan-6", 0, "gone", 0);
        Replanner racing = (scope, options, held) -> { // the other node's tick counts and appends first
            assertThat(dao.replanned("plan-6", 0, T0)).isEqualTo(1);
            moveOf(dao, "plan-6", 1, "other", 1);
            return new Recording(move("mine", B)).plan(scope, options, held);
        };

        executor(jdbi, racing).advance();

        assertThat(dao.moves("plan-6")).extracting(RebalanceDao.MoveRow::shareId).containsExactly("gone", "other");
        assertThat(status(dao, "plan-6")).isEqualTo("running");
        assertThat(dao.finish("plan-6", 1, T0)).as("never ends with a move pending").isZero();
    }

    /**
     * Another node's tick re-plans and has not committed yet when this one, having seen nothing pending, ends the
     * plan: the end waits for the re-plan and then does not happen (the plan runs its new moves).
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aPlanDoesNotEndUnderAReplanInFlight(TestDatabase database) throws Exception {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = drainOfA(jdbi, "plan-11");
        moveOf(dao, "plan-11", 0, "gone", 0);
        dao.moveTo("plan-11", 0, "pending", "skipped", "the share is gone", T0);
        try (Handle other = jdbi.open()) {
            other.begin();
            RebalanceDao otherDao = other.attach(RebalanceDao.class);
            assertThat(otherDao.replanned("plan-11", 0, T0)).isEqualTo(1);
            moveOf(otherDao, "plan-11", 1, "late", 1);
            CompletableFuture<Integer> finish = CompletableFuture.supplyAsync(() -> dao.finish("plan-11", 0, T0));
            Thread.sleep(500); // the end waits on the plan row
            other.commit();
            assertThat(finish.get(30, TimeUnit.SECONDS)).isZero();
        }
        assertThat(status(dao, "plan-11")).isEqualTo("running");
    }

    /** Plans stored before their options were kept are not planned again. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aPlanWithoutStoredOptionsEndsAsItIs(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-7", "rebalance", null, "running", "admin", T0, null, null, null, null, "admin");
        moveOf(dao, "plan-7", 0, "gone", 0);
        Recording replanner = new Recording();

        executor(jdbi, replanner).advance();

        assertThat(replanner.scopes).isEmpty();
        assertThat(status(dao, "plan-7")).isEqualTo("done");
    }

    /** A move whose migration failed says why the migration failed, not only that it did. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aFailedMoveKeepsTheMigrationsOwnError(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String shareId = insertShare(jdbi, "available", A, "migration_error");
        RebalanceDao dao = drainOfA(jdbi, "plan-8");
        moveOf(dao, "plan-8", 0, shareId, 0);
        dao.startMove("plan-8", 0, T0);
        ShareMigration failed = migration(shareId, B, "failing", "btrfs receive: No space left on device");
        jdbi.useTransaction(handle -> new RebalanceMigrationListener(jdbi, () -> { }).failed(handle, failed)); // in the roll-back's transaction

        executor(jdbi, new Recording()).advance();

        assertThat(dao.moves("plan-8")).singleElement().satisfies(move -> {
            assertThat(move.status()).isEqualTo("failed");
            assertThat(move.error()).isEqualTo("the migration ended in migration_error: btrfs receive: No space left on device");
        });
    }

    /**
     * A share placed on the drained backend while the drain was being applied (the scheduler's snapshot predated the
     * disable) is not in the plan: when the plan's moves are done and the backend still holds shares, it plans again.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aDrainThatLeavesALateShareBehindPlansAgain(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String late = shareOnPoolA(jdbi);
        RebalanceDao dao = drainOfA(jdbi, "plan-9");
        moveOf(dao, "plan-9", 0, "moved", 0);
        dao.moveTo("plan-9", 0, "pending", "done", null, T0);
        Recording replanner = new Recording(move(late, B));

        executor(jdbi, replanner).advance();

        assertThat(replanner.scopes).containsExactly(PlanScope.drain("a"));
        assertThat(dao.moves("plan-9")).extracting(RebalanceDao.MoveRow::shareId, RebalanceDao.MoveRow::status,
                RebalanceDao.MoveRow::plannedRound).containsExactly(tuple("moved", "done", 0), tuple(late, "pending", 1));
        assertThat(status(dao, "plan-9")).isEqualTo("running");
    }

    /** A share whose migration an admin cancelled while its plan ran is not moved again by a re-plan. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aShareWhoseMoveWasCancelledIsHeldByAReplan(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String kept = shareOnPoolA(jdbi);
        RebalanceDao dao = drainOfA(jdbi, "plan-12");
        moveOf(dao, "plan-12", 0, kept, 0);
        dao.startMove("plan-12", 0, T0);
        dao.moveTo("plan-12", 0, "running", "cancelled", "the migration ended in migration_cancelled", T0);
        Recording replanner = new Recording();

        executor(jdbi, replanner).advance();

        assertThat(replanner.held).containsExactly(Set.of(kept));
    }

    /** A migration that turns moves its plan on at once, only when it is a running move's (an admin's own is not). */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aMovesMigrationThatTurnsRunsTheJobNow(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = drainOfA(jdbi, "plan-10");
        moveOf(dao, "plan-10", 0, "s1", 0);
        dao.startMove("plan-10", 0, T0);
        List<String> ticks = new ArrayList<>();
        RebalanceMigrationListener listener = new RebalanceMigrationListener(jdbi, () -> ticks.add("tick"));

        listener.settled(migration("s1", B, "phase1_done", null));
        listener.settled(migration("s2", B, "phase1_done", null)); // an admin's migration
        listener.settled(migration("s1", "manila@c#pool0", "phase1_done", null)); // not where the move goes

        assertThat(ticks).hasSize(1);
    }

    private static ShareMigration migration(String shareId, String destination, String phase, String error) {
        return new ShareMigration("m-" + shareId, shareId, A, destination, null, 10, true, "snapshot-stream", phase, 1, 0,
                0, 0, error, null, T0, T0);
    }

    /** One pending move of a plan, in round {@code round}. */
    static void insertMove(RebalanceDao dao, String planId, int seq, String shareId, int sizeGb, String from, String to,
                           Instant now, int round) {
        dao.insertMoves(planId, List.of(seq), List.of(new Move(shareId, sizeGb, from, to, 0, 0, 0, 0)), now, round);
    }
}
