package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.migration.MigrationDao;
import org.manilaj.core.migration.MigrationRunner;
import org.manilaj.core.migration.MigrationService;
import org.manilaj.core.migration.ShareMigration;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.rebalance.RebalanceDao;
import org.manilaj.core.rebalance.RebalanceExecutor;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.driver.ShareSpec;

/**
 * A plan cancelled with {@code in_flight: finish} while a move's migration is under way, on both databases, with
 * real migrations between two local backends (the job ticked by hand): the running move is carried to its end (its
 * share on its destination with its data, nothing left at the source), the pending moves are cancelled without
 * starting, and the plan ends cancelled.
 */
class RebalanceCancelFinishTest {
    private static final String FROM = "manila@a#pool0";
    private static final String TO = "manila@b#pool0";

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCancelWithFinishCarriesTheRunningMoveToItsEndAndCancelsThePendingOnes(TestDatabase database) throws Exception {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        Clock clock = Clock.systemUTC();
        Path root = TestPaths.tempDirectory("manila-cancel-finish");
        LocalPools pools = LocalPools.of(jdbi, clock, root, "a", "b");
        BackendRegistry registry = pools.registry;
        ShareTypeService types = pools.types;
        String typeId = pools.defaultTypeId;
        PlacementService placement = pools.placement;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String shareId = UUID.randomUUID().toString();
            registry.pool(FROM).orElseThrow().driver().create(new ShareSpec(shareId, "pool0", 1, "NFS", Map.of(), null));
            Files.writeString(root.resolve("a").resolve(shareId).resolve("data.txt"), "data of " + shareId);
            jdbi.useTransaction(handle -> {
                handle.attach(ShareDao.class).insert(new Share(shareId, "p", "u", "s", null, 1, "NFS", typeId, null,
                        "available", null, null, false, null, "active", clock.instant(), clock.instant(), 1, null));
                handle.execute("UPDATE shares SET host = ? WHERE id = ?", FROM, shareId);
                handle.execute("UPDATE pools SET allocated_capacity_gb = allocated_capacity_gb + 1 WHERE name = ?", FROM);
            });
            ids.add(shareId);
        }
        RebalanceDao dao = jdbi.onDemand(RebalanceDao.class);
        dao.insertPlan("plan", "rebalance", null, "running", "admin", clock.instant(), null, null, null, null, "admin");
        for (int seq = 0; seq < ids.size(); seq++) {
            RebalanceBusyMoveTest.insertMove(dao, "plan", seq, ids.get(seq), 1, FROM, TO, clock.instant(), 0);
        }
        MigrationRunner runner = new MigrationRunner(jdbi, registry, placement, "node", Duration.ofMinutes(1), 2, clock);
        MigrationService migrations = new MigrationService(jdbi, registry, placement, types, runner::submit, clock);
        RebalanceExecutor executor = new RebalanceExecutor(jdbi, registry, migrations, (scope, options, held) -> {
            throw new AssertionError("not planned again: the plan was cancelled");
        }, clock);
        try {
            executor.advance(); // one move at a time onto backend b: the first starts, the others wait
            assertThat(dao.moves("plan")).extracting(RebalanceDao.MoveRow::status)
                    .containsExactly("running", "pending", "pending");
            Optional<ShareMigration> inFlight = jdbi.withExtension(MigrationDao.class, found -> found.findByShare(ids.get(0)));
            assertThat(inFlight).as("the first move's migration is under way").isPresent();

            assertThat(dao.cancel("plan", false, clock.instant())).as("cancelled, in_flight: finish").isEqualTo(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            do {
                executor.advance();
                Thread.sleep(50);
            } while (!"cancelled".equals(dao.plan("plan").orElseThrow().status()) && System.nanoTime() < deadline);

            assertThat(dao.plan("plan")).get().extracting(RebalanceDao.PlanRow::status).isEqualTo("cancelled");
            assertThat(dao.moves("plan")).extracting(RebalanceDao.MoveRow::shareId, RebalanceDao.MoveRow::status)
                    .containsExactly(tuple(ids.get(0), "done"), tuple(ids.get(1), "cancelled"),
                            tuple(ids.get(2), "cancelled"));
            Share moved = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(ids.get(0))).orElseThrow();
            assertThat(moved.host()).as("the running move finished (" + inFlight.get().migrationPhase() + " at the cancel)")
                    .isEqualTo(TO);
            assertThat(moved.status()).isEqualTo("available");
            assertThat(root.resolve("b").resolve(ids.get(0)).resolve("data.txt")).hasContent("data of " + ids.get(0));
            assertThat(root.resolve("a").resolve(ids.get(0))).as("nothing left at the source").doesNotExist();
            for (String kept : ids.subList(1, 3)) {
                Share share = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(kept)).orElseThrow();
                assertThat(share.host()).isEqualTo(FROM);
                assertThat(share.status()).isEqualTo("available");
                Optional<ShareMigration> none = jdbi.withExtension(MigrationDao.class, found -> found.findByShare(kept));
                assertThat(none).as("never started").isEmpty();
                assertThat(root.resolve("a").resolve(kept).resolve("data.txt")).hasContent("data of " + kept);
                assertThat(root.resolve("b").resolve(kept)).doesNotExist();
            }
        } finally {
            runner.close();
            registry.close();
        }
    }
}
