package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.RequestContext;
import org.manilaj.core.migration.MigrationListener;
import org.manilaj.core.migration.MigrationRequest;
import org.manilaj.core.migration.MigrationRunner;
import org.manilaj.core.migration.MigrationService;
import org.manilaj.core.migration.ShareMigration;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.driver.ShareSpec;

/**
 * A migration completed by its listener as soon as its first phase is done (as the rebalancing job does): the
 * complete starts a run of its own and the share moves at once, instead of waiting in {@code completing} for the
 * reconcile job.
 */
class MigrationCompletedByItsListenerTest {
    private static final RequestContext ADMIN = new RequestContext("admin", "p", true);

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCompleteFromTheListenerIsCarriedOutAtOnce(TestDatabase database) throws Exception {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        Clock clock = Clock.systemUTC();
        Path root = TestPaths.tempDirectory("manila-listener-complete");
        LocalPools pools = LocalPools.of(jdbi, clock, root, "a", "b");
        BackendRegistry registry = pools.registry;
        ShareTypeService types = pools.types;
        String typeId = pools.defaultTypeId;
        PlacementService placement = pools.placement;
        String shareId = UUID.randomUUID().toString();
        registry.pool("manila@a#pool0").orElseThrow().driver()
                .create(new ShareSpec(shareId, "pool0", 1, "NFS", Map.of(), null));
        Files.writeString(root.resolve("a").resolve(shareId).resolve("data.txt"), "data");
        jdbi.useTransaction(handle -> {
            handle.attach(ShareDao.class).insert(new Share(shareId, "p", "u", "s", null, 1, "NFS", typeId, null,
                    "available", null, null, false, null, "active", clock.instant(), clock.instant(), 1, null));
            handle.execute("UPDATE shares SET host = ? WHERE id = ?", "manila@a#pool0", shareId);
            handle.execute("UPDATE pools SET allocated_capacity_gb = 1 WHERE name = ?", "manila@a#pool0");
        });

        AtomicReference<MigrationService> migrations = new AtomicReference<>();
        MigrationListener completeAtOnce = new MigrationListener() {
            @Override
            public void settled(ShareMigration migration) { // on the runner's thread, its run over
                if (migrations.get() != null && jdbi.withExtension(ShareReadDao.class, shares -> shares.find(shareId))
                        .map(share -> "migration_driver_phase1_done".equals(share.taskState())).orElse(false)) {
                    migrations.get().complete(ADMIN, shareId);
                }
            }
        };
        MigrationRunner runner = new MigrationRunner(jdbi, registry, placement, "node", Duration.ofMinutes(1), 2, clock,
                completeAtOnce);
        migrations.set(new MigrationService(jdbi, registry, placement, types, runner::submit, clock));
        try {
            migrations.get().start(ADMIN, shareId, new MigrationRequest("manila@b#pool0", false, false, false, false, false,
                    null));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Share share;
            do {
                Thread.sleep(50);
                share = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(shareId)).orElseThrow();
            } while (!"manila@b#pool0".equals(share.host()) && System.nanoTime() < deadline);
            assertThat(share.host()).as("moved, not left in " + share.taskState()).isEqualTo("manila@b#pool0");
            assertThat(root.resolve("b").resolve(shareId).resolve("data.txt")).hasContent("data");
        } finally {
            runner.close();
            registry.close();
        }
    }
}
