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

/**
 * The rebalancing job on both databases where no migration is involved: a move nothing can carry on fails
 * instead of holding its plan (and every later plan) for ever, and a cancel that comes first stops a move from
 * starting.
 */
class RebalanceExecutorTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

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
        dao.insertPlan("plan-1", "drain", "a", "admin", T0);
        dao.insertMove("plan-1", 0, shareId, 10, "manila@a#pool0", "manila@b#pool0", T0);
        assertThat(dao.startMove("plan-1", 0, T0)).isEqualTo(1); // marked running; then the service died
        BackendRegistry none = new BackendRegistry("manila", List.of(), Map.of());

        new RebalanceExecutor(jdbi, none, null, Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC), Duration.ofMinutes(5))
                .advance();
        assertThat(dao.moves("plan-1")).singleElement().extracting(RebalanceDao.MoveRow::status).isEqualTo("running");

        new RebalanceExecutor(jdbi, none, null, Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC), Duration.ofMinutes(5))
                .advance();
        assertThat(dao.moves("plan-1")).singleElement().satisfies(move -> {
            assertThat(move.status()).isEqualTo("failed");
            assertThat(move.error()).contains("extending_error", "nothing moves it");
        });
        new RebalanceExecutor(jdbi, none, null, Clock.fixed(T0.plusSeconds(602), ZoneOffset.UTC), Duration.ofMinutes(5))
                .advance();
        assertThat(dao.plan("plan-1")).get().extracting(RebalanceDao.PlanRow::status).as("the plan ends").isEqualTo("done");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCancelThatComesFirstStopsAMoveFromStarting(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan-2", "rebalance", null, "admin", T0);
        dao.insertMove("plan-2", 0, "share", 10, "manila@a#pool0", "manila@b#pool0", T0);
        assertThat(dao.cancel("plan-2", false, T0)).isEqualTo(1);
        assertThat(dao.startMove("plan-2", 0, T0)).isZero();
        assertThat(dao.moves("plan-2")).singleElement().extracting(RebalanceDao.MoveRow::status).isEqualTo("pending");
    }
}
