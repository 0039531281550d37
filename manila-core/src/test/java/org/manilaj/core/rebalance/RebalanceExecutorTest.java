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
 * The rebalancing job on both databases where no migration is involved: a move nothing can carry on fails
 * instead of holding its plan (and every later plan) for ever, and a cancel that comes first stops a move from
 * starting.
 */
class RebalanceExecutorTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    /** A re-plan that finds nothing more to move. */
    private static final Replanner NOTHING_MORE = (scope, options, held) -> plan();

    private static RebalancePlan plan(Move... moves) {
        return new RebalancePlan(List.of(moves), List.of(), Map.of(), Map.of(), 0, 0, true);
    }

    private static RebalanceExecutor executor(Jdbi jdbi, Replanner replanner) {
        return new RebalanceExecutor(jdbi, new BackendRegistry("manila", List.of(), Map.of()), null, replanner,
                Clock.fixed(T0, ZoneOffset.UTC), Duration.ofMinutes(5));
    }

    private static String insertShare(Jdbi jdbi, String status, String host) {
        return insertShare(jdbi, status, host, null);
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

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aMoveNothingCanCarryOnFailsSoThatItsPlanEnds(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String shareId = insertShare(jdbi, "extending_error", "manila@a#pool0");
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-1", "drain", "a", "running", "admin", T0, 10.0, 1000, 1000L, null);
        dao.insertMove("plan-1", 0, shareId, 10, "manila@a#pool0", "manila@b#pool0", T0, 0);
        assertThat(dao.startMove("plan-1", 0, T0)).isEqualTo(1); // marked running; then the service died
        BackendRegistry none = new BackendRegistry("manila", List.of(), Map.of());

        new RebalanceExecutor(jdbi, none, null, NOTHING_MORE, Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC), Duration.ofMinutes(5))
                .advance();
        assertThat(dao.moves("plan-1")).singleElement().extracting(RebalanceDao.MoveRow::status).isEqualTo("running");

        new RebalanceExecutor(jdbi, none, null, NOTHING_MORE, Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC), Duration.ofMinutes(5))
                .advance();
        assertThat(dao.moves("plan-1")).singleElement().satisfies(move -> {
            assertThat(move.status()).isEqualTo("failed");
            assertThat(move.error()).contains("extending_error", "nothing moves it");
        });
        new RebalanceExecutor(jdbi, none, null, NOTHING_MORE, Clock.fixed(T0.plusSeconds(602), ZoneOffset.UTC), Duration.ofMinutes(5))
                .advance();
        assertThat(dao.plan("plan-1")).get().extracting(RebalanceDao.PlanRow::status).as("the plan ends").isEqualTo("done");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCancelThatComesFirstStopsAMoveFromStarting(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-2", "rebalance", null, "running", "admin", T0, 10.0, 1000, 1000L, null);
        dao.insertMove("plan-2", 0, "share", 10, "manila@a#pool0", "manila@b#pool0", T0, 0);
        assertThat(dao.cancel("plan-2", false, T0)).isEqualTo(1);
        assertThat(dao.startMove("plan-2", 0, T0)).isZero();
        assertThat(dao.moves("plan-2")).singleElement().extracting(RebalanceDao.MoveRow::status).isEqualTo("pending");
    }

    /**
     * Moves of the last round failed or were skipped: the plan is made again from the state reached, within what
     * is left of its limits, with the shares whose moves failed held, and appended as the next round; at most
     * {@code MAX_REPLANS} times, then it ends as it is.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void failedMovesArePlannedAgainWithinWhatIsLeftOfTheLimits(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-3", "rebalance", null, "running", "admin", T0, 5.0, 7, 400L, "a,c");
        dao.insertMove("plan-3", 0, "moved", 30, "manila@a#pool0", "manila@c#pool0", T0, 0);
        dao.moveTo("plan-3", 0, "pending", "done", null, T0);
        dao.insertMove("plan-3", 1, "failing", 10, "manila@a#pool0", "manila@c#pool0", T0, 0);
        dao.startMove("plan-3", 1, T0); // running, and its share is gone: it fails
        List<PlanScope> scopes = new ArrayList<>();
        List<PlanOptions> asked = new ArrayList<>();
        List<Set<String>> helds = new ArrayList<>();
        Replanner again = (scope, options, held) -> {
            scopes.add(scope);
            asked.add(options);
            helds.add(held);
            return plan(new Move("gone", 10, "manila@a#pool0", "manila@c#pool0", 0, 0, 0, 0));
        };
        RebalanceExecutor executor = executor(jdbi, again);
        for (int tick = 0; tick < 6; tick++) {
            executor.advance(); // each appended move is skipped (its share is gone), then planned again
        }

        assertThat(asked).as("within what the done move left of 7 moves and 400 GiB")
                .containsOnly(new PlanOptions(5, 6, 370)).hasSize(RebalanceExecutor.MAX_REPLANS);
        assertThat(scopes).containsOnly(PlanScope.rebalance(List.of("a", "c")));
        assertThat(helds).as("the share whose move failed stays where it is").containsOnly(Set.of("failing"));
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
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-4", "drain", "a", "running", "admin", T0, 10.0, 1000, 1000L, null);
        dao.insertMove("plan-4", 0, "s0", 10, "manila@a#pool0", "manila@b#pool0", T0, 0);
        dao.moveTo("plan-4", 0, "pending", "skipped", "the share is gone", T0);
        assertThat(dao.replanned("plan-4", 0, T0)).isEqualTo(1);
        dao.insertMove("plan-4", 1, "s1", 10, "manila@a#pool0", "manila@b#pool0", T0, 1);
        dao.moveTo("plan-4", 1, "pending", "done", null, T0);
        List<PlanScope> asked = new ArrayList<>();

        executor(jdbi, (scope, options, held) -> {
            asked.add(scope);
            return plan();
        }).advance();

        assertThat(asked).isEmpty();
        assertThat(dao.plan("plan-4")).get().extracting(RebalanceDao.PlanRow::status).isEqualTo("done");
    }

    /** A re-planner that throws ends the plan as it is instead of failing at every tick with the plan held running. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aReplanThatFailsEndsThePlan(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-5", "drain", "a", "running", "admin", T0, 10.0, 1000, 1000L, null);
        dao.insertMove("plan-5", 0, "gone", 10, "manila@a#pool0", "manila@b#pool0", T0, 0);

        executor(jdbi, (scope, options, held) -> {
            throw new IllegalStateException("backend b could not be read");
        }).advance();

        assertThat(dao.moves("plan-5")).singleElement().extracting(RebalanceDao.MoveRow::status).isEqualTo("skipped");
        assertThat(dao.plan("plan-5")).get().extracting(RebalanceDao.PlanRow::status).isEqualTo("done");
    }

    /**
     * Two ticks (two nodes) re-plan at once: the one that counts the re-plan second appends nothing and does not end
     * the plan, whose new moves the other appended.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aTickThatLosesTheReplanLeavesThePlanRunning(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-6", "drain", "a", "running", "admin", T0, 10.0, 1000, 1000L, null);
        dao.insertMove("plan-6", 0, "gone", 10, "manila@a#pool0", "manila@b#pool0", T0, 0);
        Replanner racing = (scope, options, held) -> { // the other node's tick counts and appends first
            assertThat(dao.replanned("plan-6", 0, T0)).isEqualTo(1);
            dao.insertMove("plan-6", 1, "other", 10, "manila@a#pool0", "manila@b#pool0", T0, 1);
            return plan(new Move("mine", 10, "manila@a#pool0", "manila@b#pool0", 0, 0, 0, 0));
        };

        executor(jdbi, racing).advance();

        assertThat(dao.moves("plan-6")).extracting(RebalanceDao.MoveRow::shareId).containsExactly("gone", "other");
        assertThat(dao.plan("plan-6")).get().extracting(RebalanceDao.PlanRow::status).isEqualTo("running");
        assertThat(dao.finish("plan-6", T0)).as("never ends with a move pending").isZero();
    }

    /** Plans stored before their options were kept are not planned again. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aPlanWithoutStoredOptionsEndsAsItIs(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-7", "rebalance", null, "running", "admin", T0, null, null, null, null);
        dao.insertMove("plan-7", 0, "gone", 10, "manila@a#pool0", "manila@b#pool0", T0, 0);
        List<PlanScope> asked = new ArrayList<>();

        executor(jdbi, (scope, options, held) -> {
            asked.add(scope);
            return plan();
        }).advance();

        assertThat(asked).isEmpty();
        assertThat(dao.plan("plan-7")).get().extracting(RebalanceDao.PlanRow::status).isEqualTo("done");
    }

    /** A move whose migration failed says why the migration failed, not only that it did. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aFailedMoveKeepsTheMigrationsOwnError(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String shareId = insertShare(jdbi, "available", "manila@a#pool0", "migration_error");
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-8", "drain", "a", "running", "admin", T0, 10.0, 1000, 1000L, null);
        dao.insertMove("plan-8", 0, shareId, 10, "manila@a#pool0", "manila@b#pool0", T0, 0);
        dao.startMove("plan-8", 0, T0);
        ShareMigration failed = new ShareMigration("m-1", shareId, "manila@a#pool0", "manila@b#pool0", null, 10, true,
                "snapshot-stream", "failing", 1, 0, 0, 0, "btrfs receive: No space left on device", null, T0, T0);
        jdbi.useTransaction(handle -> new RebalanceMigrationListener(jdbi, () -> { }).failed(handle, failed)); // in the roll-back's transaction

        executor(jdbi, NOTHING_MORE).advance();

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
        PoolDao pools = jdbi.onDemand(PoolDao.class);
        pools.insertBackend("a", "manila", "linux");
        pools.insertPool("manila@a#pool0", "a", "pool0", 10);
        String late = insertShare(jdbi, "available", "manila@a#pool0");
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-9", "drain", "a", "running", "admin", T0, 10.0, 1000, 1000L, null);
        dao.insertMove("plan-9", 0, "moved", 10, "manila@a#pool0", "manila@b#pool0", T0, 0);
        dao.moveTo("plan-9", 0, "pending", "done", null, T0);
        List<PlanScope> asked = new ArrayList<>();

        executor(jdbi, (scope, options, held) -> {
            asked.add(scope);
            return plan(new Move(late, 10, "manila@a#pool0", "manila@b#pool0", 0, 0, 0, 0));
        }).advance();

        assertThat(asked).containsExactly(PlanScope.drain("a"));
        assertThat(dao.moves("plan-9")).extracting(RebalanceDao.MoveRow::shareId, RebalanceDao.MoveRow::status,
                RebalanceDao.MoveRow::plannedRound).containsExactly(tuple("moved", "done", 0), tuple(late, "pending", 1));
        assertThat(dao.plan("plan-9")).get().extracting(RebalanceDao.PlanRow::status).isEqualTo("running");
    }

    /** A migration that turns moves its plan on at once, only when it is a running move's (an admin's own is not). */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aMovesMigrationThatTurnsRunsTheJobNow(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-10", "drain", "a", "running", "admin", T0, 10.0, 1000, 1000L, null);
        dao.insertMove("plan-10", 0, "s1", 10, "manila@a#pool0", "manila@b#pool0", T0, 0);
        dao.startMove("plan-10", 0, T0);
        List<String> ticks = new ArrayList<>();
        RebalanceMigrationListener listener = new RebalanceMigrationListener(jdbi, () -> ticks.add("tick"));

        listener.settled(migration("s1", "manila@b#pool0"));
        listener.settled(migration("s2", "manila@b#pool0")); // an admin's migration
        listener.settled(migration("s1", "manila@c#pool0")); // not where the move goes

        assertThat(ticks).hasSize(1);
    }

    private static ShareMigration migration(String shareId, String destination) {
        return new ShareMigration("m-" + shareId, shareId, "manila@a#pool0", destination, null, 10, true, "snapshot-stream",
                "phase1_done", 1, 0, 0, 0, null, null, T0, T0);
    }
}
