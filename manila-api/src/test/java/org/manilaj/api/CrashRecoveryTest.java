package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.config.BackendConfig;
import org.manilaj.core.config.PoolConfig;
import org.manilaj.core.config.WorkSettings;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.NewShare;
import org.manilaj.core.share.Share;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.PoolHealth;
import org.manilaj.core.pool.PoolStatsCollector;
import org.manilaj.core.share.ShareOperations;
import org.manilaj.core.share.ShareService;
import org.manilaj.core.work.OperationRunner;
import org.manilaj.core.work.TransientRetry;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.BackendDefinition;
import org.manilaj.driver.BackendStats;
import org.manilaj.driver.DriverCapabilities;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareDriverFactory;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;
import org.manilaj.driver.linux.LinuxShareDriverFactory;
import org.manilaj.scheduler.PoolScheduler;

/**
 * A process dies while a share operation is in flight; after a restart the operation finishes and
 * nothing is left behind. The "process" is the service's real wiring on a real database with the real
 * Linux driver; a gate in front of the driver holds the operation until the process is killed.
 */
class CrashRecoveryTest {
    private static final RequestContext CALLER = new RequestContext("user", "0123abcd", true);

    @TempDir
    Path storage;

    /** Where the gate stops an operation: before the driver acts, or after it acted but before it is recorded. */
    enum Stop { BEFORE_DRIVER, AFTER_DRIVER }

    /** Thrown in place of the death of the process: nothing after it runs for that operation. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() {
            super("simulated crash");
        }
    }

    /** Holds create and delete at a gate until interrupted (the process "dies" there). */
    static final class GatedDriver implements ShareDriver {
        final ShareDriver real;
        final Stop stop;
        final CountDownLatch arrived = new CountDownLatch(1);

        GatedDriver(ShareDriver real, Stop stop) {
            this.real = real;
            this.stop = stop;
        }

        private void gate() {
            arrived.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new SimulatedCrash();
        }

        @Override
        public ShareExport create(ShareSpec spec) {
            if (stop == Stop.AFTER_DRIVER) {
                real.create(spec);
            }
            gate();
            return null;
        }

        @Override
        public void delete(ShareRef share) {
            if (stop == Stop.AFTER_DRIVER) {
                real.delete(share);
            }
            gate();
        }

        @Override
        public BackendStats stats() {
            return real.stats();
        }

        @Override
        public void extend(ShareRef share, int newSizeGib) {
            real.extend(share, newSizeGib);
        }

        @Override
        public void shrink(ShareRef share, int newSizeGib) {
            real.shrink(share, newSizeGib);
        }

        @Override
        public void applyAccess(ShareRef share, List<AccessGrant> rules) {
            real.applyAccess(share, rules);
        }

        @Override
        public DriverCapabilities capabilities() {
            return real.capabilities();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** A clock tests can move forward, to let leases expire. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-26T12:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** One service process: the same objects ManilaApplication wires, on a shared database. */
    final class Node implements AutoCloseable {
        final BackendRegistry registry;
        final OperationRunner runner;
        final ShareService shares;
        GatedDriver gated;

        Node(DataSource dataSource, String name, Clock clock, Stop stop) {
            Jdbi jdbi = TestDatabase.jdbi(dataSource);
            ShareDriverFactory linux = new LinuxShareDriverFactory();
            ShareDriverFactory factory = stop == null ? linux : new ShareDriverFactory() {
                @Override
                public String name() {
                    return "linux";
                }

                @Override
                public ShareDriver create(BackendDefinition backend) {
                    gated = new GatedDriver(linux.create(backend), stop);
                    return gated;
                }
            };
            BackendConfig backend = new BackendConfig("local", "linux", List.of(new PoolConfig("pool0")),
                    Map.of("storage_root", storage.toString(), "export_address", "127.0.0.1"));
            registry = new BackendRegistry("manila", List.of(backend), Map.of("linux", factory));
            PoolStatsCollector stats = new PoolStatsCollector(jdbi, registry, clock);
            stats.registerConfiguredPools();
            stats.refreshAll();
            ShareTypeService types = new ShareTypeService(jdbi, clock, "default");
            if (types.findDefault().isEmpty()) {
                types.create("default", null, true, Map.of("driver_handles_share_servers", false));
            }
            PlacementService placement = new PlacementService(jdbi, registry, PoolScheduler.withDefaults(),
                    new PoolHealth(clock, Duration.ofMinutes(1), Duration.ofHours(1)), "nova", 10, clock);
            QuotaService quotas = new QuotaService(jdbi, Map.of());
            runner = ShareOperations.runner(jdbi, registry, placement, types, new UserMessages(jdbi, clock), quotas,
                    new WorkSettings(name, 2, Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofSeconds(60)),
                    TransientRetry.defaults(), clock);
            shares = new ShareService(jdbi, types, runner, quotas, clock);
        }

        /** Blocks until the gated operation has reached the gate, then kills the "process". */
        void crashAtGate() throws InterruptedException {
            assertThat(gated.arrived.await(20, TimeUnit.SECONDS)).as("operation reached the gate").isTrue();
            close();
        }

        @Override
        public void close() {
            runner.close();
            registry.close();
        }
    }

    private static Share awaitStatus(DataSource dataSource, String id, String status) throws InterruptedException {
        ShareReadDao shares = TestDatabase.jdbi(dataSource).onDemand(ShareReadDao.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Share share = shares.find(id).orElse(null);
            if (status.equals("gone") ? share == null : share != null && share.status().equals(status)) {
                return share;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("share " + id + " did not become " + status + ": " + shares.find(id));
    }

    private static String create(Node node) {
        return node.shares.create(CALLER, new NewShare("NFS", 1, "crash", null, null, null, false, Map.of())).share().id();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCreateCutShortBeforeTheDriverRanFinishesAfterRestart(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        MovableClock clock = new MovableClock();
        Node doomed = new Node(dataSource, "node-1", clock, Stop.BEFORE_DRIVER);
        String id = create(doomed);
        doomed.crashAtGate();
        assertThat(awaitStatus(dataSource, id, "creating").host()).isEqualTo("manila@local#pool0");
        assertThat(storage.resolve(id)).doesNotExist();

        try (Node restarted = new Node(dataSource, "node-1", clock, null)) {
            assertThat(restarted.runner.resumeUnattended()).isEqualTo(1);
            awaitStatus(dataSource, id, "available");
            assertThat(storage.resolve(id)).isDirectory();
            assertThat(restarted.shares.exportLocations(CALLER, id)).singleElement()
                    .satisfies(location -> assertThat(location.path()).isEqualTo("127.0.0.1:" + storage.resolve(id)));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCreateCutShortAfterTheDriverRanIsRecordedAfterRestart(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        MovableClock clock = new MovableClock();
        Node doomed = new Node(dataSource, "node-1", clock, Stop.AFTER_DRIVER);
        String id = create(doomed);
        doomed.crashAtGate();
        assertThat(storage.resolve(id)).isDirectory();
        awaitStatus(dataSource, id, "creating");

        try (Node restarted = new Node(dataSource, "node-1", clock, null)) {
            restarted.runner.resumeUnattended();
            awaitStatus(dataSource, id, "available");
            assertThat(storage.resolve(id)).isDirectory();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aDeleteCutShortFinishesAfterRestartAndLeavesNothingOnTheBackend(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        MovableClock clock = new MovableClock();
        String id;
        try (Node healthy = new Node(dataSource, "node-1", clock, null)) {
            id = create(healthy);
            awaitStatus(dataSource, id, "available");
        }
        Node doomed = new Node(dataSource, "node-1", clock, Stop.BEFORE_DRIVER);
        doomed.shares.delete(CALLER, id);
        doomed.crashAtGate();
        awaitStatus(dataSource, id, "deleting");
        assertThat(storage.resolve(id)).isDirectory();

        try (Node restarted = new Node(dataSource, "node-1", clock, null)) {
            restarted.runner.resumeUnattended();
            awaitStatus(dataSource, id, "gone");
            assertThat(storage.resolve(id)).doesNotExist();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anotherNodeTakesOverOnlyOnceTheDeadNodesLeaseHasExpired(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        MovableClock clock = new MovableClock();
        Node doomed = new Node(dataSource, "node-1", clock, Stop.BEFORE_DRIVER);
        String id = create(doomed);
        doomed.crashAtGate();

        try (Node other = new Node(dataSource, "node-2", clock, null)) {
            assertThat(other.runner.resumeUnattended()).isZero();
            assertThat(awaitStatus(dataSource, id, "creating")).isNotNull();
            clock.advance(Duration.ofMinutes(11));
            assertThat(other.runner.resumeUnattended()).isEqualTo(1);
            awaitStatus(dataSource, id, "available");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void refusesToDeleteAShareWhileItIsBeingCreated(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        MovableClock clock = new MovableClock();
        try (Node node = new Node(dataSource, "node-1", clock, Stop.BEFORE_DRIVER)) {
            String id = create(node);
            assertThat(node.gated.arrived.await(20, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> node.shares.delete(CALLER, id))
                    .isInstanceOf(ManilaException.class)
                    .hasMessageContaining("creating");
        }
    }
}
