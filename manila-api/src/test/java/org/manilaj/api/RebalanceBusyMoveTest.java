package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.ManilaException;
import org.manilaj.core.config.BackendConfig;
import org.manilaj.core.config.PoolConfig;
import org.manilaj.core.migration.MigrationService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.rebalance.RebalanceDao;
import org.manilaj.core.rebalance.RebalanceExecutor;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.core.types.ShareTypeDao;
import org.manilaj.core.types.ShareTypeRow;

/**
 * A move whose share stays busy with another operation (the migration service refuses it: an injected fault, as a
 * share whose extend never ends): it stays running and first in line, tried at every tick, and fails once it has
 * waited five minutes, so that its plan ends instead of holding every later plan.
 */
class RebalanceBusyMoveTest {
    private static final String FROM = "manila@a#pool0";
    private static final String TO = "manila@b#pool0";

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aMoveWhoseShareStaysBusyFailsAfterFiveMinutes(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        CrashRecoveryTest.MovableClock clock = new CrashRecoveryTest.MovableClock();
        Path root = TestPaths.tempDirectory("manila-busy-move");
        BackendRegistry registry = BackendRegistry.load("manila", List.of(backend("a", root), backend("b", root)));
        String shareId = UUID.randomUUID().toString();
        String typeId = UUID.randomUUID().toString();
        jdbi.useTransaction(handle -> {
            handle.attach(ShareTypeDao.class).insert(new ShareTypeRow(typeId, "default", null, true, clock.instant()));
            handle.attach(ShareDao.class).insert(new Share(shareId, "p", "u", "s", null, 10, "NFS", typeId, null,
                    "available", null, null, false, null, "active", clock.instant(), clock.instant(), 10, null));
            handle.execute("UPDATE shares SET host = ? WHERE id = ?", FROM, shareId);
        });
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan", "rebalance", null, "running", "admin", clock.instant(), null, null, null, null, "admin");
        insertMove(dao, "plan", 0, shareId, 10, FROM, TO, clock.instant(), 0);
        MigrationService busy = mock(MigrationService.class);
        doThrow(ManilaException.badRequest("Share " + shareId + MigrationService.BUSY)).when(busy)
                .start(any(), eq(shareId), any());
        RebalanceExecutor executor = new RebalanceExecutor(jdbi, registry, busy, (scope, options, held) -> {
            throw new AssertionError("not planned again: the plan has no stored options");
        }, clock);

        executor.advance();
        clock.advance(Duration.ofMinutes(4));
        executor.advance();
        assertThat(dao.moves("plan")).singleElement().extracting(RebalanceDao.MoveRow::status)
                .as("still waiting for the share").isEqualTo("running");
        verify(busy, times(2)).start(any(), eq(shareId), any());

        clock.advance(Duration.ofMinutes(2));
        executor.advance();
        assertThat(dao.moves("plan")).singleElement().satisfies(move -> {
            assertThat(move.status()).isEqualTo("failed");
            assertThat(move.error()).contains("could not start for 5 minutes", "busy with another operation");
        });
        executor.advance();
        assertThat(dao.plan("plan")).get().extracting(RebalanceDao.PlanRow::status).isEqualTo("done");
    }

    private static BackendConfig backend(String name, Path root) {
        return new BackendConfig(name, "linux", List.of(new PoolConfig("pool0")),
                Map.of("storage_root", root.resolve(name).toString(), "export_address", "127.0.0.1"));
    }

    /** One pending move of a plan, in round {@code round}. */
    static void insertMove(RebalanceDao dao, String planId, int seq, String shareId, int sizeGb, String from, String to,
                           java.time.Instant now, int round) {
        dao.insertMoves(planId, List.of(seq), List.of(new org.manilaj.scheduler.rebalance.Move(shareId, sizeGb, from, to,
                0, 0, 0, 0)), now, round);
    }
}
