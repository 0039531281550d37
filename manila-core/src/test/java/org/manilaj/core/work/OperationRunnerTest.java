package org.manilaj.core.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.config.WorkSettings;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.core.types.ShareTypeDao;
import org.manilaj.core.types.ShareTypeRow;

/** The runner's hand-off between the request that records work and the worker that runs it. */
class OperationRunnerTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static String insertShare(Jdbi jdbi) {
        String typeId = UUID.randomUUID().toString();
        String shareId = UUID.randomUUID().toString();
        jdbi.useTransaction(handle -> {
            handle.attach(ShareTypeDao.class).insert(new ShareTypeRow(typeId, "type-" + typeId, null, true, T0));
            handle.attach(ShareDao.class).insert(new Share(shareId, "p", "u", "s", null, 1, "NFS", typeId, null, "available",
                    "h@a#p", null, false, null, "active", T0, T0, 1, null));
        });
        return shareId;
    }

    /**
     * Work recorded and submitted just as the share's previous run ends, after that run last looked for
     * more work but before its worker let go of the share, is still run: such a submit used to be
     * dropped, and an access rule allowed the moment an extend finished stayed queued until the periodic
     * reconcile (30 s). The first run here ends the way a run that saw no more work does (a lost lease
     * returns without looking again), which pins the window open.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void workSubmittedWhileTheShareIsStillInFlightRunsWithoutWaitingForTheReconcile(TestDatabase database)
            throws InterruptedException {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String shareId = insertShare(jdbi);
        CountDownLatch secondRan = new CountDownLatch(1);
        WorkSettings settings = new WorkSettings("node-a", 2, Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(1));
        try (OperationRunner runner = new OperationRunner(jdbi, settings, Clock.systemUTC())) {
            runner.register(List.of(
                    new Finishing(jdbi, OperationKind.EXTEND, lease -> {
                        // the request of the race: commits new work and submits it before this worker lets go
                        jdbi.useTransaction(handle -> runner.start(handle, shareId, OperationKind.ACCESS_SYNC));
                        runner.submit(shareId);
                        throw new Lease.LeaseLostException(lease.operation());
                    }),
                    new Finishing(jdbi, OperationKind.ACCESS_SYNC, lease -> secondRan.countDown())));
            jdbi.useTransaction(handle -> runner.start(handle, shareId, OperationKind.EXTEND));
            runner.submit(shareId);
            assertThat(secondRan.await(10, TimeUnit.SECONDS)).as("the access sync ran").isTrue();
        }
    }

    /**
     * A run of an operation this process just recorded skips the locked read (a commit of its own), so an admin's
     * takeover must not be raced past: one that withdrew the operation, and holds its row while it discards it, is
     * waited for, and the run then finds nothing to do. A run that takes the operation first makes the takeover's
     * withdrawal fail (the takeover answers 409).
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aTakeoverThatWithdrewAFreshOperationIsWaitedFor(TestDatabase database) throws Exception {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String shareId = insertShare(jdbi);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        WorkSettings settings = new WorkSettings("node-a", 2, Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(1));
        try (OperationRunner runner = new OperationRunner(jdbi, settings, Clock.systemUTC());
             org.jdbi.v3.core.Handle takeover = jdbi.open()) {
            runner.register(List.of(new Finishing(jdbi, OperationKind.DELETE, lease -> runs.incrementAndGet())));
            jdbi.useTransaction(handle -> runner.startNew(handle, shareId, OperationKind.DELETE));
            String operationId = jdbi.withExtension(OperationDao.class, dao -> dao.forShare(shareId)).orElseThrow().id();

            takeover.begin();
            OperationDao operations = takeover.attach(OperationDao.class);
            assertThat(operations.lockForShare(shareId)).isPresent();
            assertThat(runner.withdraw(operationId)).as("no run had started it").isTrue();
            assertThat(operations.discardUnlessLeased(shareId, "node-a", Instant.now())).isEqualTo(1);
            java.util.concurrent.CompletableFuture<Boolean> run = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> runner.process(shareId));
            Thread.sleep(300); // the run reads, finds the operation withdrawn, and waits for the row
            takeover.commit();
            assertThat(run.get(10, TimeUnit.SECONDS)).isFalse();
            assertThat(runs).as("the discarded operation never ran").hasValue(0);

            // the other order: the run takes it first, and a takeover after it cannot withdraw it
            jdbi.useTransaction(handle -> runner.startNew(handle, shareId, OperationKind.DELETE));
            String second = jdbi.withExtension(OperationDao.class, dao -> dao.forShare(shareId)).orElseThrow().id();
            runner.process(shareId);
            assertThat(runs).hasValue(1);
            assertThat(runner.withdraw(second)).isFalse();
        }
    }

    /** An operation that ends itself, then does {@code after} (still on the worker's thread). */
    private record Finishing(Jdbi jdbi, OperationKind kind, Consumer<Lease> after) implements ShareOperation {
        @Override
        public void run(Share share, Lease lease) {
            jdbi.useTransaction(lease::finish);
            after.accept(lease);
        }

        @Override
        public void abandon(Share share, Lease lease) {
            throw new AssertionError("not abandoned in this test");
        }
    }
}
