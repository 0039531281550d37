package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.access.AccessRepair;
import org.manilaj.core.access.AccessRuleDao;
import org.manilaj.core.access.AccessService;
import org.manilaj.core.config.WorkSettings;
import org.manilaj.core.hooks.PreHooks;
import org.manilaj.core.messages.MessageDetail;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.pool.PoolHealth;
import org.manilaj.core.quota.QuotaResource;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.share.NewShare;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareOperations;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.ShareResizeService;
import org.manilaj.core.share.ShareService;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.OperationDao;
import org.manilaj.core.work.OperationRunner;
import org.manilaj.core.work.TransientRetry;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.BackendDefinition;
import org.manilaj.driver.BackendStats;
import org.manilaj.driver.DriverCapabilities;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.NoSpaceException;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareDriverFactory;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;
import org.manilaj.driver.TimedOutException;
import org.manilaj.driver.TransientDriverException;
import org.manilaj.driver.linux.LinuxShareDriverFactory;
import org.mockito.Mockito;

/**
 * A process dies while a share operation is in flight; after a restart the operation finishes and
 * nothing is left behind. The "process" is the service's real wiring on a real database with the real
 * Linux driver; a gate in front of the driver holds the operation until the process is killed.
 */
class CrashRecoveryTest {
    private static final RequestContext CALLER = new RequestContext("user", "0123abcd", true);

    @TempDir
    Path storage;

    /** The database of the last {@link #createWithFaults}, for what a test checks after it. */
    private DataSource lastDataSource;

    /** Where the gate stops an operation: before the driver acts, or after it acted but before it is recorded. */
    enum Stop { BEFORE_DRIVER, AFTER_DRIVER, BEFORE_ACCESS, BEFORE_EXTEND }

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
            if (stop == Stop.BEFORE_ACCESS || stop == Stop.BEFORE_EXTEND) {
                return real.create(spec);
            }
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
            if (stop == Stop.BEFORE_EXTEND) {
                gate();
            }
            real.extend(share, newSizeGib);
        }

        @Override
        public void shrink(ShareRef share, int newSizeGib) {
            real.shrink(share, newSizeGib);
        }

        @Override
        public void applyAccess(ShareRef share, List<AccessGrant> rules) {
            if (stop == Stop.BEFORE_ACCESS) {
                gate();
            }
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
        final ShareResizeService resize;
        final AccessService access;
        final QuotaService quotas;
        GatedDriver gated;

        Node(DataSource dataSource, String name, Clock clock, Stop stop) {
            this(dataSource, name, clock, stop, Duration.ofMinutes(10));
        }

        Node(DataSource dataSource, String name, Clock clock, Stop stop, Duration lease) {
            this(dataSource, name, clock, lease, real -> {
                if (stop == null) {
                    return real;
                }
                GatedDriver driver = new GatedDriver(real, stop);
                return driver;
            });
        }

        /** A node whose Linux driver is wrapped, for a gate or for injected faults. */
        Node(DataSource dataSource, String name, Clock clock, Duration lease, UnaryOperator<ShareDriver> wrap) {
            Jdbi jdbi = TestDatabase.jdbi(dataSource);
            ShareDriverFactory linux = new LinuxShareDriverFactory();
            ShareDriverFactory factory = new ShareDriverFactory() {
                @Override
                public String name() {
                    return "linux";
                }

                @Override
                public ShareDriver create(BackendDefinition backend) {
                    ShareDriver driver = wrap.apply(linux.create(backend));
                    if (driver instanceof GatedDriver gate) {
                        gated = gate;
                    }
                    return driver;
                }
            };
            registry = new BackendRegistry("manila", List.of(LocalPools.backend("local", storage)), Map.of("linux", factory));
            LocalPools pools = new LocalPools(jdbi, clock, registry);
            ShareTypeService types = pools.types;
            PlacementService placement = pools.placement;
            quotas = new QuotaService(jdbi, Map.of());
            runner = ShareOperations.runner(jdbi, registry, placement, types, new UserMessages(jdbi, clock), quotas,
                    new WorkSettings(name, 2, lease, Duration.ofSeconds(30), Duration.ofSeconds(60)),
                    TransientRetry.defaults(), clock);
            shares = new ShareService(jdbi, types, runner, quotas, placement, PreHooks.NONE, clock);
            resize = new ShareResizeService(jdbi, runner, quotas, clock);
            access = new AccessService(jdbi, runner, clock);
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
        String id = createThenCrashBeforeTheDriver(dataSource, clock);
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
        String id = createThenCrashBeforeTheDriver(dataSource, clock);

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

    /**
     * An access sync cut short after its rules were read: the rule stays applying, the share is
     * refused an extend meanwhile (one operation at a time), and after a restart the rule is applied.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anAccessSyncCutShortIsResumedAfterRestart(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        MovableClock clock = new MovableClock();
        Node doomed = new Node(dataSource, "node-1", clock, Stop.BEFORE_ACCESS);
        String id = create(doomed);
        awaitStatus(dataSource, id, "available");
        String rule = doomed.access.allow(CALLER, id, "ip", "10.0.0.7", "rw").id();
        assertThat(doomed.gated.arrived.await(20, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> doomed.resize.extend(CALLER, id, 2)).isInstanceOf(ManilaException.class)
                .hasMessageContaining("busy");
        doomed.crashAtGate();
        Jdbi jdbi = TestDatabase.jdbi(dataSource);
        assertThat(jdbi.onDemand(AccessRuleDao.class).find(rule).orElseThrow().state()).isEqualTo("applying");

        try (Node restarted = new Node(dataSource, "node-1", clock, null)) {
            assertThat(restarted.runner.resumeUnattended()).isEqualTo(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!jdbi.onDemand(AccessRuleDao.class).find(rule).orElseThrow().state().equals("active")
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(jdbi.onDemand(AccessRuleDao.class).find(rule).orElseThrow().state()).isEqualTo("active");
            assertThat(awaitStatus(dataSource, id, "available").accessRulesStatus()).isEqualTo("active");
        }
    }

    /**
     * A lease of one second, an operation blocked for three: the heartbeat keeps it with its living
     * owner, and once the owner dies another node takes it over within about one lease.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aLongOperationKeepsItsLeaseWhileItsOwnerLivesAndLosesItWhenItDies(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        Clock clock = Clock.systemUTC();
        Duration lease = Duration.ofSeconds(1);
        Node owner = new Node(dataSource, "node-1", clock, Stop.BEFORE_DRIVER, lease);
        String id = create(owner);
        assertThat(owner.gated.arrived.await(20, TimeUnit.SECONDS)).isTrue();
        try (Node other = new Node(dataSource, "node-2", clock, null, lease)) {
            Thread.sleep(3 * lease.toMillis());
            other.runner.resumeUnattended();
            Thread.sleep(200);
            OperationDao operations = TestDatabase.jdbi(dataSource).onDemand(OperationDao.class);
            assertThat(operations.forShare(id).orElseThrow().owner()).isEqualTo("node-1");
            assertThat(awaitStatus(dataSource, id, "creating")).isNotNull();

            owner.crashAtGate();
            Thread.sleep(lease.toMillis() + 300);
            assertThat(other.runner.resumeUnattended()).isEqualTo(1);
            awaitStatus(dataSource, id, "available");
            assertThat(storage.resolve(id)).isDirectory();
        }
    }

    /** A host that refuses twice, then answers: the create is retried with backoff and succeeds. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aTransientDriverFailureIsRetriedInsteadOfFailingTheShare(TestDatabase database) throws Exception {
        createWithFaults(database, "available", 3, driver -> Mockito.doThrow(new TransientDriverException("connection refused"))
                .doThrow(new TransientDriverException("connection reset"))
                .doCallRealMethod().when(driver).create(Mockito.any()));
    }

    /** A permanent failure is not retried: the share is in error at once, with nothing left on the backend. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aPermanentDriverFailureIsNotRetried(TestDatabase database) throws Exception {
        createWithFaults(database, "error", 1,
                driver -> Mockito.doThrow(new DriverException("mkdir: Permission denied")).when(driver).create(Mockito.any()));
    }

    /**
     * A create whose command hung (the subvolume made, then the next step stopped at its time limit): not tried again
     * (each try would hold a worker for the whole limit), the half-made share removed, and the tenant told why.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCreateThatTimedOutIsNotTriedAgainAndLeavesNothingBehind(TestDatabase database) throws Exception {
        String id = createWithFaults(database, "error", 1, driver -> Mockito.doAnswer(call -> {
            call.callRealMethod(); // made on the backend, then a later step hung
            throw new TimedOutException("btrfs qgroup limit timed out after PT1M and was stopped", true);
        }).when(driver).create(Mockito.any()));
        assertThat(messageDetails(id)).containsExactly(MessageDetail.BACKEND_TIMEOUT.id());
    }

    /**
     * A node whose create timed out after another node took its lease over (its database connection stalled while its
     * host hung): it neither records the failure nor removes what was made, which the new owner may have made
     * available meanwhile.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aCreateThatLostItsLeaseRemovesNothing(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        Jdbi jdbi = TestDatabase.jdbi(dataSource);
        try (Node node = new Node(dataSource, "node-1", new MovableClock(), Duration.ofMinutes(1), real -> {
            ShareDriver slow = Mockito.spy(real);
            Mockito.doAnswer(call -> {
                call.callRealMethod();
                jdbi.useHandle(handle -> handle.execute("UPDATE operations SET owner = 'node-2'")); // taken over
                throw new TimedOutException("btrfs qgroup limit timed out after PT1M and was stopped", true);
            }).when(slow).create(Mockito.any());
            return slow;
        })) {
            String id = create(node);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (jdbi.withHandle(handle -> handle.createQuery("SELECT phase FROM operations").mapTo(String.class)
                    .findOne().orElse("")).isEmpty() || !Files.exists(storage.resolve(id))) {
                assertThat(System.nanoTime()).as("the create ran").isLessThan(deadline);
                Thread.sleep(10);
            }
            Thread.sleep(500); // the failed run's end, had it gone on
            assertThat(storage.resolve(id)).as("the new owner's share").isDirectory();
            assertThat(awaitStatus(dataSource, id, "creating")).as("recorded by its owner only").isNotNull();
        }
    }

    /** A backend with no space left refuses an extend before changing anything: the share is as it was, and says why. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anExtendOnAFullBackendLeavesTheShareAsItWas(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        lastDataSource = dataSource;
        Jdbi jdbi = TestDatabase.jdbi(dataSource);
        try (Node node = new Node(dataSource, "node-1", new MovableClock(), Duration.ofMinutes(1), real -> {
            ShareDriver full = Mockito.spy(real);
            Mockito.doThrow(new NoSpaceException("no space left on /srv: 0 bytes free")).when(full).extend(Mockito.any(),
                    Mockito.anyInt());
            return full;
        })) {
            String id = create(node);
            awaitStatus(dataSource, id, "available");
            node.resize.extend(CALLER, id, 3);
            Share share = awaitSettledResize(dataSource, id);
            assertThat(share.status()).isEqualTo("available");
            assertThat(share.sizeGb()).isEqualTo(1);
            assertThat(allocated(jdbi)).as("the pool's books").isEqualTo(1);
            assertThat(node.quotas.detail(CALLER.projectId()).get(QuotaResource.GIGABYTES).inUse()).as("quota held").isEqualTo(1);
            assertThat(messageDetails(id)).containsExactly(MessageDetail.NO_SPACE.id());
        }
    }

    /**
     * The NFS server was down while a rule was allowed and another denied: both in error, the share's access in
     * error; once the backend answers, the next pass tries each again the way it was going: the allowed rule becomes
     * active, the denied one goes, and the backend holds exactly the allowed one.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void rulesTheBackendFailedAreTriedAgainOnceItAnswers(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        Jdbi jdbi = TestDatabase.jdbi(dataSource);
        MovableClock clock = new MovableClock();
        AtomicBoolean down = new AtomicBoolean();
        List<List<AccessGrant>> applied = new CopyOnWriteArrayList<>();
        try (Node node = new Node(dataSource, "node-1", clock, Duration.ofMinutes(1), real -> {
            ShareDriver flaky = Mockito.spy(real);
            Mockito.doAnswer(call -> {
                if (down.get()) {
                    throw new DriverException("dbus-send: org.freedesktop.DBus.Error.ServiceUnknown");
                }
                applied.add(call.getArgument(1));
                return call.callRealMethod();
            }).when(flaky).applyAccess(Mockito.any(), Mockito.any());
            return flaky;
        })) {
            String id = create(node);
            awaitStatus(dataSource, id, "available");
            String leaving = node.access.allow(CALLER, id, "ip", "10.0.0.1", "rw").id();
            awaitAccess(jdbi, leaving, "active");
            down.set(true);
            String arriving = node.access.allow(CALLER, id, "ip", "10.0.0.2", "rw").id();
            awaitAccess(jdbi, arriving, "error");
            node.access.deny(CALLER, id, leaving);
            awaitAccess(jdbi, leaving, "error");
            assertThat(awaitStatus(dataSource, id, "available").accessRulesStatus()).isEqualTo("error");

            AccessRepair repair = new AccessRepair(jdbi, node.runner, new PoolHealth(clock, Duration.ofMinutes(1),
                    Duration.ofHours(1)), clock);
            down.set(false);
            // a later change goes through first and marks the share's access active: the failed rules are still due
            String later = node.access.allow(CALLER, id, "ip", "10.0.0.3", "rw").id();
            awaitAccess(jdbi, later, "active");
            assertThat(repair.retryFailedRules()).as("too soon after the failure").isZero();
            clock.advance(Duration.ofSeconds(10));
            assertThat(repair.retryFailedRules()).isEqualTo(1);
            awaitAccess(jdbi, arriving, "active");
            awaitAccess(jdbi, leaving, "gone");
            assertThat(applied.get(applied.size() - 1)).extracting(AccessGrant::accessTo)
                    .containsExactlyInAnyOrder("10.0.0.2", "10.0.0.3");
            assertThat(awaitStatus(dataSource, id, "available").accessRulesStatus()).isEqualTo("active");
            assertThat(repair.retryFailedRules()).as("nothing left to try").isZero();
        }
    }

    private static void awaitAccess(Jdbi jdbi, String ruleId, String state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = jdbi.onDemand(AccessRuleDao.class).find(ruleId).map(rule -> rule.state()).orElse("gone");
            if (seen.equals(state)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("rule " + ruleId + " is " + seen + ", not " + state);
    }

    private static Share awaitSettledResize(DataSource dataSource, String id) throws InterruptedException {
        ShareReadDao shares = TestDatabase.jdbi(dataSource).onDemand(ShareReadDao.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Share share = shares.find(id).orElseThrow();
            if (!share.status().equals("extending")) {
                return share;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("share " + id + " is still extending");
    }

    private List<String> messageDetails(String shareId) {
        return TestDatabase.jdbi(lastDataSource).withHandle(handle -> handle.createQuery(
                "SELECT detail_id FROM messages WHERE resource_id = :id ORDER BY created_at").bind("id", shareId)
                .mapTo(String.class).list());
    }

    /** Creates a share on a node whose real driver has faults injected; checks its end and the driver calls. */
    private String createWithFaults(TestDatabase database, String expectedStatus, int expectedCalls,
                                    java.util.function.Consumer<ShareDriver> faults) throws Exception {
        DataSource dataSource = database.create();
        lastDataSource = dataSource;
        List<ShareDriver> drivers = new ArrayList<>();
        try (Node node = new Node(dataSource, "node-1", new MovableClock(), Duration.ofMinutes(1), real -> {
            ShareDriver faulty = Mockito.spy(real);
            faults.accept(faulty);
            drivers.add(faulty);
            return faulty;
        })) {
            String id = create(node);
            awaitStatus(dataSource, id, expectedStatus);
            Mockito.verify(drivers.get(0), Mockito.times(expectedCalls)).create(Mockito.any());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (Files.exists(storage.resolve(id)) && !expectedStatus.equals("available") && System.nanoTime() < deadline) {
                Thread.sleep(10); // what a failed create made goes just after its failure is recorded
            }
            assertThat(Files.exists(storage.resolve(id))).isEqualTo(expectedStatus.equals("available"));
            return id;
        }
    }

    /**
     * An extend cut short after it reserved quota and pool capacity: an admin's reset is refused while the
     * node's lease lives (its driver call could still act), and once it expired the reset gives back what
     * the extend held, so quota and pool match the share's size again.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anAdminResetOfACutShortExtendGivesBackWhatItHeld(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        MovableClock clock = new MovableClock();
        Node doomed = new Node(dataSource, "node-1", clock, Stop.BEFORE_EXTEND);
        String id = create(doomed);
        awaitStatus(dataSource, id, "available");
        doomed.resize.extend(CALLER, id, 5);
        doomed.crashAtGate();
        Jdbi jdbi = TestDatabase.jdbi(dataSource);
        assertThat(allocated(jdbi)).isEqualTo(5);

        try (Node admin = new Node(dataSource, "node-2", clock, null)) {
            assertThatThrownBy(() -> admin.shares.resetStatus(CALLER, id, "available"))
                    .isInstanceOf(ManilaException.class).hasMessageContaining("running on node-1");
            clock.advance(Duration.ofMinutes(11));
            admin.shares.resetStatus(CALLER, id, "available");
            assertThat(awaitStatus(dataSource, id, "available").sizeGb()).isEqualTo(1);
            assertThat(allocated(jdbi)).isEqualTo(1);
            assertThat(admin.quotas.detail(CALLER.projectId()).get(QuotaResource.GIGABYTES).inUse()).isEqualTo(1);
        }
    }

    /** A create that a crash cut short ten times is not started an eleventh: the share ends in error, with a message. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anOperationStartedTooOftenWithoutFinishingIsAbandoned(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        MovableClock clock = new MovableClock();
        String id = createThenCrashBeforeTheDriver(dataSource, clock);
        Jdbi jdbi = TestDatabase.jdbi(dataSource);
        jdbi.useHandle(handle -> handle.execute("UPDATE operations SET attempt = 10 WHERE share_id = ?", id));

        try (Node restarted = new Node(dataSource, "node-1", clock, null)) {
            assertThat(restarted.runner.resumeUnattended()).isEqualTo(1);
            awaitStatus(dataSource, id, "error");
            assertThat(jdbi.onDemand(OperationDao.class).forShare(id)).isEmpty();
            assertThat(allocated(jdbi)).as("the abandoned create holds no capacity").isZero();
            assertThat(storage.resolve(id)).doesNotExist();
        }
    }

    /** An admin's reset that drops a cut-short access sync leaves its rules in error, not queued forever. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aResetThatDropsAnAccessSyncPutsItsRulesInError(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        MovableClock clock = new MovableClock();
        Node doomed = new Node(dataSource, "node-1", clock, Stop.BEFORE_ACCESS);
        String id = create(doomed);
        awaitStatus(dataSource, id, "available");
        String rule = doomed.access.allow(CALLER, id, "ip", "10.0.0.8", "rw").id();
        doomed.crashAtGate();
        clock.advance(Duration.ofMinutes(11));
        try (Node admin = new Node(dataSource, "node-2", clock, null)) {
            admin.shares.resetStatus(CALLER, id, "available");
            Jdbi jdbi = TestDatabase.jdbi(dataSource);
            assertThat(jdbi.onDemand(AccessRuleDao.class).find(rule).orElseThrow().state()).isEqualTo("error");
            assertThat(awaitStatus(dataSource, id, "available").accessRulesStatus()).isEqualTo("error");
            assertThat(jdbi.onDemand(OperationDao.class).forShare(id)).isEmpty();
        }
    }

    /** A share found creating with no operation (a crash must not do that, but once it did) is finished anyway. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aShareInATransitionalStatusWithoutAnOperationIsNotLeftStuck(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        MovableClock clock = new MovableClock();
        String id = createThenCrashBeforeTheDriver(dataSource, clock);
        Jdbi jdbi = TestDatabase.jdbi(dataSource);
        jdbi.useHandle(handle -> handle.execute("DELETE FROM operations WHERE share_id = ?", id));

        try (Node restarted = new Node(dataSource, "node-2", clock, null)) {
            assertThat(restarted.runner.reconcile()).isEqualTo(1);
            awaitStatus(dataSource, id, "available");
            assertThat(storage.resolve(id)).isDirectory();
        }
    }

    /** node-1 takes a create and dies at the gate in front of the driver: the share stays creating, its operation node-1's. */
    private String createThenCrashBeforeTheDriver(DataSource dataSource, MovableClock clock) throws InterruptedException {
        Node doomed = new Node(dataSource, "node-1", clock, Stop.BEFORE_DRIVER);
        String id = create(doomed);
        doomed.crashAtGate();
        return id;
    }

    private static long allocated(Jdbi jdbi) {
        return jdbi.onDemand(PoolDao.class).list().get(0).allocatedCapacityGb();
    }
}
