package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.RequestContext;
import org.manilaj.core.config.WorkSettings;
import org.manilaj.core.hooks.HookSpec;
import org.manilaj.core.hooks.PreHooks;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.placement.CapacityLedger;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.pool.PoolRow;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.share.NewShare;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareOperations;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.ShareService;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.OperationRunner;
import org.manilaj.core.work.TransientRetry;

/**
 * A create reserves on its pool in its own transaction (its run then has no placement of its own), except when a
 * pre-hook must be asked first: nothing is reserved before the hook allows it.
 */
class PlacementInRequestTest {
    private static final RequestContext CALLER = new RequestContext("user", "0123abcd", false);

    @TempDir
    Path storage;

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void theRequestReservesAndRecordsItsPool(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        try (Wiring wiring = new Wiring(jdbi, PreHooks.NONE)) {
            Share share = wiring.create(3);
            // the runner is closed: nothing but the request ran
            Share recorded = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(share.id())).orElseThrow();
            assertThat(recorded.status()).isEqualTo("creating");
            assertThat(recorded.host()).isEqualTo("manila@local#pool0");
            assertThat(recorded.reservedGb()).isEqualTo(3);
            assertThat(allocated(jdbi)).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void withAPreHookNothingIsReservedBeforeTheRun(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        HookSpec hook = new HookSpec("ask", "webhook", List.of("share.create"), URI.create("http://127.0.0.1:1/"),
                "0123456789abcdef", null, Duration.ofSeconds(1), 1, "pre", "allow", null);
        try (Wiring wiring = new Wiring(jdbi, new PreHooks(List.of(hook), Clock.systemUTC()))) {
            Share share = wiring.create(3);
            Share recorded = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(share.id())).orElseThrow();
            assertThat(recorded.host()).isNull();
            assertThat(recorded.reservedGb()).isZero();
            assertThat(allocated(jdbi)).isZero();
        }
    }

    /**
     * A create request takes its project's quota rows, then the backend's and the pool's; a delete's record of the
     * same project and pool took the pool's row first, then the quota rows, and the two deadlocked (PostgreSQL aborted
     * one after a second). Every transaction now takes the quota rows first.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aDeleteRecordsBesideACreateOfTheSameProjectOnTheSamePool(TestDatabase database) throws Exception {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        try (Wiring wiring = new Wiring(jdbi, PreHooks.NONE, true)) {
            Share first = wiring.create(3);
            awaitStatus(jdbi, first.id(), "available");
            try (Handle create = jdbi.open()) {
                // a create request's transaction, in its order
                create.begin();
                wiring.quotas.reserveShare(create, CALLER.projectId(), 2);
                wiring.shares.delete(CALLER, first.id());
                Thread.sleep(500); // the delete's run records, and waits for the quota rows
                boolean reserved = CapacityLedger.reserveForNew(create, "manila@local#pool0", 2, false, 1.0, 0);
                create.commit();
                assertThat(reserved).isTrue();
            }
            awaitStatus(jdbi, first.id(), "gone");
            assertThat(allocated(jdbi)).isEqualTo(2);
        }
    }

    private static void awaitStatus(Jdbi jdbi, String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Share share = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(id)).orElse(null);
            if (status.equals("gone") ? share == null : share != null && share.status().equals(status)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("share " + id + " did not become " + status);
    }

    private static long allocated(Jdbi jdbi) {
        return jdbi.withExtension(PoolDao.class, PoolDao::list).stream().mapToLong(PoolRow::allocatedCapacityGb).sum();
    }

    /** One local backend with one pool, and a share service whose runner is closed before any create unless running. */
    private final class Wiring implements AutoCloseable {
        private final BackendRegistry registry;
        private final ShareService shares;
        private final QuotaService quotas;
        private final OperationRunner runner;

        Wiring(Jdbi jdbi, PreHooks preHooks) {
            this(jdbi, preHooks, false);
        }

        Wiring(Jdbi jdbi, PreHooks preHooks, boolean running) {
            Clock clock = Clock.systemUTC();
            registry = BackendRegistry.load("manila", List.of(LocalPools.backend("local", storage)));
            LocalPools pools = new LocalPools(jdbi, clock, registry);
            ShareTypeService types = pools.types;
            PlacementService placement = pools.placement;
            quotas = new QuotaService(jdbi, Map.of());
            runner = ShareOperations.runner(jdbi, registry, placement, types, new UserMessages(jdbi, clock),
                    quotas, new WorkSettings("node-a", 1, Duration.ofMinutes(10), Duration.ofSeconds(30),
                            Duration.ofSeconds(60)), TransientRetry.defaults(), preHooks, clock);
            if (!running) {
                runner.close();
            }
            shares = new ShareService(jdbi, types, runner, quotas, placement, preHooks, clock);
        }

        Share create(int sizeGb) {
            return shares.create(CALLER, new NewShare("NFS", sizeGb, "s", null, null, null, false, Map.of())).share();
        }

        @Override
        public void close() {
            runner.close();
            registry.close();
        }
    }
}
