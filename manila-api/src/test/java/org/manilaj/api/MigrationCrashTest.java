package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.manilaj.core.RequestContext;
import org.manilaj.core.access.AccessService;
import org.manilaj.core.config.WorkSettings;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.migration.MigrationDao;
import org.manilaj.core.migration.MigrationRequest;
import org.manilaj.core.migration.MigrationRunner;
import org.manilaj.core.migration.MigrationService;
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
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.BackendDefinition;
import org.manilaj.driver.BackendStats;
import org.manilaj.driver.DriverCapabilities;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareDriverFactory;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareFiles;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;
import org.manilaj.driver.linux.LinuxShareDriverFactory;

/**
 * A process dies at each step of a migration, as {@link CrashRecoveryTest} kills one: the step's driver call
 * never returns and the process is dropped, so nothing after it is recorded. The next process (the same node
 * restarted, or another node once the dead one's lease ran out) carries the migration on from its recorded
 * phase; it ends as it would have (moved, or cancelled), with every byte, nothing left on either backend,
 * and each pool holding exactly the shares on it. Two local backends, the real Linux driver and file copy,
 * H2 and PostgreSQL.
 */
class MigrationCrashTest {
    private static final RequestContext ADMIN = new RequestContext("admin", "0123abcd", true);
    private static final Duration LEASE = Duration.ofSeconds(60);

    @TempDir
    Path storage;

    /**
     * Where the process dies: on which side, in which driver call (counted from the migration's start: the
     * engine's choice reads both sides' files, a pass the source's, the source's rules go read-only at the start
     * with {@code writable: false} and again for the cut-over), and whether the driver acted first.
     */
    enum Step {
        PREPARE_BEFORE("destination", "create", 1, false, false, "starting"),
        PREPARE_AFTER("destination", "create", 1, true, false, "starting"),
        FIRST_PASS("source", "files", 2, false, false, "copying"),
        WITHDRAW_DESTINATION("destination", "access", 1, false, false, "completing"),
        SEAL_SOURCE("source", "access", 2, false, false, "completing"),
        LAST_PASS("source", "files", 3, false, false, "completing"),
        FINISH_DESTINATION("destination", "create", 2, true, false, "completing"),
        DESTINATION_RULES("destination", "access", 2, false, false, "completing"),
        DESTINATION_RULES_AFTER("destination", "access", 2, true, false, "completing"),
        REMOVE_SOURCE_BEFORE("source", "delete", 1, false, false, "removing_source"),
        REMOVE_SOURCE_AFTER("source", "delete", 1, true, false, "removing_source"),
        CANCEL_BEFORE("destination", "delete", 1, false, true, "cancelling"),
        CANCEL_AFTER("destination", "delete", 1, true, true, "cancelling");

        final String side;
        final String call;
        final int nth;
        final boolean afterDriver;
        final boolean cancelled;
        /** The migration's recorded phase when the process dies there (so a changed count cannot move the crash unseen). */
        final String phase;

        Step(String side, String call, int nth, boolean afterDriver, boolean cancelled, String phase) {
            this.phase = phase;
            this.side = side;
            this.call = call;
            this.nth = nth;
            this.afterDriver = afterDriver;
            this.cancelled = cancelled;
        }
    }

    /** The steps a crash can hit, on each database. */
    static Stream<Arguments> crashes() {
        return Stream.of(TestDatabase.values()).flatMap(database -> Stream.of(Step.values())
                .map(step -> Arguments.of(database, step)));
    }

    /**
     * The process dies there: the call blocks for good (the thread is the dead process's) and nothing returns.
     * Calls count once the gate knows the source's backend, just before the migration starts.
     */
    static final class Gate {
        final Step step;
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch arrived = new CountDownLatch(1);
        /** Instead of dying there, the driver call fails (and the process lives on). */
        final boolean fails;
        /** The calls made since the migration started: side, call and, for access, how many rules. */
        final List<String> journal = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile String sourceBackend;

        Gate(Step step) {
            this(step, false);
        }

        Gate(Step step, boolean fails) {
            this.step = step;
            this.fails = fails;
        }

        void at(String backend, String call, Runnable driver) {
            String side = sourceBackend == null ? null : backend.equals(sourceBackend) ? "source" : "destination";
            if (side != null) {
                journal.add(side + " " + call);
            }
            boolean here = step != null && step.side.equals(side) && call.startsWith(step.call)
                    && calls.incrementAndGet() == step.nth;
            if (here && step.afterDriver) {
                driver.run();
            }
            if (here && fails) {
                arrived.countDown();
                throw new DriverException("injected: the " + side + "'s " + call + " failed");
            }
            if (here) {
                arrived.countDown();
                try {
                    new CountDownLatch(1).await(); // a dead process's thread: never goes on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("a dead process's thread ran on");
            }
            driver.run();
        }
    }

    /** The real driver behind a gate. */
    static final class GatedDriver implements ShareDriver {
        private final ShareDriver real;
        private final String backend;
        private final Gate gate;

        GatedDriver(ShareDriver real, String backend, Gate gate) {
            this.real = real;
            this.backend = backend;
            this.gate = gate;
        }

        @Override
        public ShareExport create(ShareSpec spec) {
            ShareExport[] export = new ShareExport[1];
            gate.at(backend, "create", () -> export[0] = real.create(spec));
            return export[0];
        }

        @Override
        public void delete(ShareRef share) {
            gate.at(backend, "delete", () -> real.delete(share));
        }

        @Override
        public void applyAccess(ShareRef share, List<AccessGrant> rules) {
            gate.at(backend, "access " + rules.size(), () -> real.applyAccess(share, rules));
        }

        @Override
        public Optional<ShareFiles> files(ShareRef share) {
            @SuppressWarnings("unchecked")
            Optional<ShareFiles>[] files = new Optional[1];
            gate.at(backend, "files", () -> files[0] = real.files(share));
            return files[0];
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
        public DriverCapabilities capabilities() {
            return real.capabilities();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** One service process on the shared database: the objects ManilaApplication wires for shares and migrations. */
    final class Node {
        final Jdbi jdbi;
        final BackendRegistry registry;
        final OperationRunner operations;
        final ShareService shares;
        final AccessService access;
        final MigrationRunner runner;
        final MigrationService migrations;

        Node(DataSource dataSource, String name, Clock clock, Gate gate) {
            jdbi = TestDatabase.jdbi(dataSource);
            ShareDriverFactory linux = new LinuxShareDriverFactory();
            ShareDriverFactory factory = new ShareDriverFactory() {
                @Override
                public String name() {
                    return "linux";
                }

                @Override
                public ShareDriver create(BackendDefinition backend) {
                    ShareDriver driver = linux.create(backend);
                    return gate == null ? driver : new GatedDriver(driver, backend.name(), gate);
                }
            };
            registry = new BackendRegistry("manila", List.of(LocalPools.backend("first", storage.resolve("first")),
                    LocalPools.backend("second", storage.resolve("second"))), Map.of("linux", factory));
            LocalPools pools = new LocalPools(jdbi, clock, registry);
            ShareTypeService types = pools.types;
            PlacementService placement = pools.placement;
            QuotaService quotas = new QuotaService(jdbi, Map.of());
            operations = ShareOperations.runner(jdbi, registry, placement, types, new UserMessages(jdbi, clock), quotas,
                    new WorkSettings(name, 2, LEASE, Duration.ofSeconds(30), Duration.ofSeconds(60)),
                    TransientRetry.defaults(), clock);
            shares = new ShareService(jdbi, types, operations, quotas, placement, org.manilaj.core.hooks.PreHooks.NONE, clock);
            access = new AccessService(jdbi, operations, clock);
            runner = new MigrationRunner(jdbi, registry, placement, name, LEASE, 2, clock);
            migrations = new MigrationService(jdbi, registry, placement, types, runner::submit, clock);
        }

        /** What the reconcile job does after a start: every migration no live node holds is run again. */
        void reconcile() {
            runner.unfinished().forEach(runner::submit);
        }

        /** The process is gone: its threads take nothing new (the one at the gate never comes back). */
        void die() {
            runner.close();
            operations.close();
        }

        void stop() {
            die();
            registry.close();
        }
    }

    @ParameterizedTest(name = "{0}: dies at {1}")
    @MethodSource("crashes")
    void aMigrationCutShortAtAnyStepEndsAsItWouldHaveAfterARestart(TestDatabase database, Step step) throws Exception {
        runToTheEnd(database.create(), step, "node-1");
    }

    /** With several nodes: another node takes a dead node's migration over once its lease has run out, and only then. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anotherNodeTakesOverADeadNodesMigrationOnceItsLeaseRanOut(TestDatabase database) throws Exception {
        runToTheEnd(database.create(), Step.LAST_PASS, "node-2");
    }

    /**
     * A step that fails for good (here the destination's create, after it made the share) ends the migration in
     * migration_error: the source as it was and writable, nothing on the destination, its reservation given back.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aMigrationThatFailsLeavesTheSourceAsItWasAndNothingOnTheDestination(TestDatabase database) throws Exception {
        DataSource dataSource = database.create();
        Gate gate = new Gate(Step.PREPARE_AFTER, true);
        Node node = new Node(dataSource, "node-1", new CrashRecoveryTest.MovableClock(), gate);
        try {
            String id = node.shares.create(ADMIN, new NewShare("NFS", 1, "failing", null, null, null, false, Map.of()))
                    .share().id();
            String from = await(node.jdbi, id, s -> s.status().equals("available"), "available").host();
            String to = from.equals("manila@first#pool0") ? "manila@second#pool0" : "manila@first#pool0";
            Path source = storage.resolve(backendOf(from)).resolve(id);
            fill(source);
            Map<String, String> expected = MigrationChecks.checksums(source);
            gate.sourceBackend = backendOf(from);
            node.migrations.start(ADMIN, id, new MigrationRequest(to, false, false, false, false, false, null));
            Share ended = await(node.jdbi, id, s -> !s.status().equals("migrating"), "migration_error");
            assertThat(ended.taskState()).isEqualTo("migration_error");
            assertThat(ended.status()).isEqualTo("available");
            assertThat(ended.host()).isEqualTo(from);
            awaitGone(node.jdbi, id);
            assertThat(MigrationChecks.checksums(source)).isEqualTo(expected);
            Files.writeString(source.resolve("after.txt"), "writable again");
            assertThat(sharesIn(backendOf(to))).as("the destination's copy is removed").isEmpty();
            Map<String, Long> allocated = node.jdbi.withExtension(PoolDao.class, PoolDao::list).stream()
                    .collect(Collectors.toMap(PoolRow::name, PoolRow::allocatedCapacityGb));
            assertThat(allocated).containsEntry(from, 1L).containsEntry(to, 0L);
        } finally {
            node.stop();
        }
    }

    private void runToTheEnd(DataSource dataSource, Step step, String restartedAs) throws Exception {
        CrashRecoveryTest.MovableClock clock = new CrashRecoveryTest.MovableClock();
        Gate gate = new Gate(step);
        Node dying = new Node(dataSource, "node-1", clock, gate);
        String id = dying.shares.create(ADMIN, new NewShare("NFS", 1, "moving", null, null, null, false, Map.of())).share().id();
        Share share = await(dying.jdbi, id, s -> s.status().equals("available"), "available");
        String from = share.host();
        String to = from.equals("manila@first#pool0") ? "manila@second#pool0" : "manila@first#pool0";
        String fromBackend = backendOf(from);
        String toBackend = backendOf(to);
        Path source = storage.resolve(fromBackend).resolve(id);
        fill(source);
        Map<String, String> expected = MigrationChecks.checksums(source);
        String rule = dying.access.allow(ADMIN, id, "ip", "10.0.0.7", "rw").id();
        awaitRuleActive(dying.jdbi, rule);

        gate.sourceBackend = fromBackend;
        dying.migrations.start(ADMIN, id, new MigrationRequest(to, false, false, false, false, false, null));
        if (awaitTaskStateOrGate(dying.jdbi, id, "migration_driver_phase1_done", gate)) {
            if (step.cancelled) {
                dying.migrations.cancel(ADMIN, id);
            } else {
                dying.migrations.complete(ADMIN, id);
            }
        }
        assertThat(gate.arrived.await(20, TimeUnit.SECONDS)).as("the migration reached " + step).isTrue();
        dying.die();
        assertThat(dying.jdbi.withExtension(MigrationDao.class, dao -> dao.findByShare(id)).orElseThrow().phase())
                .as("where " + step + " stopped it").isEqualTo(step.phase);

        if (!restartedAs.equals("node-1")) {
            Node early = new Node(dataSource, restartedAs, clock, null);
            assertThat(early.runner.unfinished()).as("the dead node's lease still holds").isEmpty();
            early.stop();
            clock.advance(LEASE.plusSeconds(1));
        }
        Gate watch = new Gate(null);
        watch.sourceBackend = fromBackend;
        Node restarted = new Node(dataSource, restartedAs, clock, watch);
        try {
            restarted.reconcile();
            String outcome = step.cancelled ? "migration_cancelled" : "migration_success";
            Share ended = await(restarted.jdbi, id, s -> !s.status().equals("migrating")
                    || "migration_driver_phase1_done".equals(s.taskState()), outcome + " or phase 1 done");
            if ("migration_driver_phase1_done".equals(ended.taskState())) { // cut short before the admin asked
                restarted.migrations.complete(ADMIN, id);
                ended = await(restarted.jdbi, id, s -> !s.status().equals("migrating"), outcome);
            }
            assertThat(ended.taskState()).isEqualTo(outcome);
            if (step.phase.equals("completing")) {
                // the destination may be exported with the share's rules already: none while the last pass writes there
                assertThat(watch.journal).as("calls after the restart").containsSubsequence("destination access 0",
                        "source files", "destination access 1");
                assertThat(watch.journal.indexOf("destination access 0")).isLessThan(watch.journal.indexOf("source files"));
            }
            assertThat(ended.status()).isEqualTo("available");
            String home = step.cancelled ? fromBackend : toBackend;
            assertThat(ended.host()).isEqualTo("manila@" + home + "#pool0");
            awaitGone(restarted.jdbi, id);
            assertThat(MigrationChecks.checksums(storage.resolve(home).resolve(id))).isEqualTo(expected);
            assertThat(sharesIn(fromBackend)).isEqualTo(home.equals(fromBackend) ? Set.of(id) : Set.of());
            assertThat(sharesIn(toBackend)).isEqualTo(home.equals(toBackend) ? Set.of(id) : Set.of());
            Map<String, Long> allocated = restarted.jdbi.withExtension(PoolDao.class, PoolDao::list).stream()
                    .collect(Collectors.toMap(PoolRow::name, PoolRow::allocatedCapacityGb));
            assertThat(allocated).containsEntry("manila@" + home + "#pool0", 1L)
                    .containsEntry("manila@" + (home.equals(fromBackend) ? toBackend : fromBackend) + "#pool0", 0L);
        } finally {
            restarted.stop();
        }
    }

    private static String backendOf(String host) {
        return host.substring(host.indexOf('@') + 1, host.indexOf('#'));
    }

    private Set<String> sharesIn(String backend) throws Exception {
        Path root = storage.resolve(backend);
        if (!Files.isDirectory(root)) {
            return Set.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.map(path -> path.getFileName().toString()).filter(name -> !name.startsWith("."))
                    .collect(Collectors.toSet());
        }
    }

    /** A few directories of files, a link and 2 MiB: small enough for one pass. */
    private static void fill(Path root) throws Exception {
        for (int d = 0; d < 3; d++) {
            Path dir = Files.createDirectories(root.resolve("dir-" + d));
            for (int f = 0; f < 10; f++) {
                Files.writeString(dir.resolve("file-" + f), "content " + d + "/" + f);
            }
        }
        byte[] block = new byte[1 << 20];
        block[7] = 7;
        Files.write(root.resolve("big.bin"), block);
        Files.write(root.resolve("big-2.bin"), block);
        Files.createSymbolicLink(root.resolve("link"), Path.of("big.bin"));
    }

    private static Share await(Jdbi jdbi, String id, java.util.function.Predicate<Share> until, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Share share = null;
        while (System.nanoTime() < deadline) {
            share = jdbi.withExtension(ShareReadDao.class, dao -> dao.find(id)).orElseThrow();
            if (until.test(share)) {
                return share;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("share " + id + " did not become " + what + ": " + share);
    }

    /** True when the share reached {@code taskState}; false when the migration stopped at the gate first. */
    private static boolean awaitTaskStateOrGate(Jdbi jdbi, String id, String taskState, Gate gate) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (gate.arrived.getCount() == 0) {
                return false;
            }
            Share share = jdbi.withExtension(ShareReadDao.class, dao -> dao.find(id)).orElseThrow();
            if (taskState.equals(share.taskState())) {
                return true;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("share " + id + " reached neither " + taskState + " nor the gate");
    }

    private static void awaitRuleActive(Jdbi jdbi, String ruleId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!jdbi.withHandle(handle -> handle.createQuery("SELECT state FROM access_rules WHERE id = :id")
                .bind("id", ruleId).mapTo(String.class).one()).equals("active")) {
            assertThat(System.nanoTime()).as("rule " + ruleId + " active").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The migration's row goes last (after the source copy is deleted, or the destination's after a cancel). */
    private static void awaitGone(Jdbi jdbi, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (jdbi.withExtension(MigrationDao.class, dao -> dao.findByShare(id)).isPresent()) {
            assertThat(System.nanoTime()).as("migration of " + id + " still recorded").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
