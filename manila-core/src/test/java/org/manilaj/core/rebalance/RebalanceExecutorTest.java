package org.manilaj.core.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.pool.BackendRegistry;
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
    private static final Replanner NOTHING_MORE = (backend, options) -> new RebalancePlan(List.of(), List.of(), Map.of(),
            Map.of(), 0, 0, true);

    private static String insertShare(Jdbi jdbi, String status, String host) {
        String typeId = UUID.randomUUID().toString();
        String shareId = UUID.randomUUID().toString();
        jdbi.useTransaction(handle -> {
            handle.attach(ShareTypeDao.class).insert(new ShareTypeRow(typeId, "type-" + typeId, null, true, T0));
            handle.attach(ShareDao.class).insert(new Share(shareId, "p", "u", "s", null, 10, "NFS", typeId, null,
                    status, host, null, false, null, "active", T0, T0, 10, null));
        });
        return shareId;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aMoveNothingCanCarryOnFailsSoThatItsPlanEnds(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String shareId = insertShare(jdbi, "extending_error", "manila@a#pool0");
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-1", "drain", "a", "admin", T0, 10, 1000, 1000);
        dao.insertMove("plan-1", 0, shareId, 10, "manila@a#pool0", "manila@b#pool0", T0);
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

    /**
     * A move that failed: the plan is made again from the state reached, with the plan's own options, and the new
     * moves are appended; at most {@code MAX_REPLANS} times, then the plan ends as it is.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void failedMovesArePlannedAgainFromTheStateReachedAFewTimes(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-3", "drain", "a", "admin", T0, 5, 7, 400);
        dao.insertMove("plan-3", 0, "gone", 10, "manila@a#pool0", "manila@b#pool0", T0);
        List<PlanOptions> asked = new java.util.ArrayList<>();
        List<String> backends = new java.util.ArrayList<>();
        Replanner again = (backend, options) -> {
            asked.add(options);
            backends.add(backend);
            return new RebalancePlan(List.of(new Move("gone", 10, "manila@a#pool0", "manila@c#pool0", 0, 0, 0, 0)), List.of(),
                    Map.of(), Map.of(), 0, 0, true);
        };
        BackendRegistry none = new BackendRegistry("manila", List.of(), Map.of());
        RebalanceExecutor executor = new RebalanceExecutor(jdbi, none, null, again, Clock.fixed(T0, ZoneOffset.UTC),
                Duration.ofMinutes(5));
        for (int tick = 0; tick < 6; tick++) {
            executor.advance(); // each appended move is skipped (the share is gone), then planned again
        }
        assertThat(asked).hasSize(RebalanceExecutor.MAX_REPLANS).allSatisfy(options ->
                assertThat(options).isEqualTo(new PlanOptions(5, 7, 400)));
        assertThat(backends).containsOnly("a");
        assertThat(dao.moves("plan-3")).hasSize(1 + RebalanceExecutor.MAX_REPLANS)
                .allSatisfy(move -> assertThat(move.status()).isEqualTo("skipped"));
        assertThat(dao.plan("plan-3")).get().satisfies(plan -> {
            assertThat(plan.status()).isEqualTo("done");
            assertThat(plan.replans()).isEqualTo(RebalanceExecutor.MAX_REPLANS);
        });
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCancelThatComesFirstStopsAMoveFromStarting(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-2", "rebalance", null, "admin", T0, 10, 1000, 1000);
        dao.insertMove("plan-2", 0, "share", 10, "manila@a#pool0", "manila@b#pool0", T0);
        assertThat(dao.cancel("plan-2", false, T0)).isEqualTo(1);
        assertThat(dao.startMove("plan-2", 0, T0)).isZero();
        assertThat(dao.moves("plan-2")).singleElement().extracting(RebalanceDao.MoveRow::status).isEqualTo("pending");
    }
}
