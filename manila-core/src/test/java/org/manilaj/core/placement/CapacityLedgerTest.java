package org.manilaj.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.testing.TestDatabase;

/**
 * The reservation in the database against the same table of cases as the scheduler's filter
 * (manila-scheduler's capacity-cases.csv), on H2 and PostgreSQL, and under concurrency.
 */
class CapacityLedgerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @ParameterizedTest(name = "total={0} free={1} provisioned={2} thin={3} ratio={4} reserved={5} size={6} -> {7}")
    @CsvFileSource(files = "../manila-scheduler/src/test/resources/capacity-cases.csv")
    void followsTheSharedTableOfCapacityCases(Double total, Double free, long provisioned, boolean thin, double ratio,
                                              double reserved, int size, boolean admitted) {
        for (TestDatabase database : TestDatabase.values()) {
            Jdbi jdbi = TestDatabase.jdbi(database.create());
            PoolDao pools = pool(jdbi, total, free, provisioned);
            boolean reserved1 = jdbi.inTransaction(handle -> CapacityLedger.reserve(handle, "h@b#p", size, thin, ratio, reserved));
            assertThat(reserved1).as(database.name()).isEqualTo(admitted);
            assertThat(pools.list().get(0).allocatedCapacityGb()).isEqualTo(admitted ? provisioned + size : provisioned);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void concurrentReservationsNeverOversubscribe(TestDatabase database) throws Exception {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        PoolDao pools = pool(jdbi, 100.0, 100.0, 0);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Callable<Boolean>> reservations = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            reservations.add(() -> jdbi.inTransaction(handle -> CapacityLedger.reserve(handle, "h@b#p", 7, true, 1.0, 0)));
        }
        int admitted = 0;
        for (Future<Boolean> reservation : threads.invokeAll(reservations)) {
            admitted += reservation.get() ? 1 : 0;
        }
        threads.shutdown();
        assertThat(admitted).isEqualTo(14); // 14 * 7 = 98 <= 100 * 1.0 < 15 * 7
        assertThat(pools.list().get(0).allocatedCapacityGb()).isEqualTo(98);
    }

    /**
     * A disabled backend takes no new share, replica or migration (whatever the scheduler's snapshot said), but its
     * own shares still grow.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aDisabledBackendTakesNothingNewButItsSharesStillGrow(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        PoolDao pools = pool(jdbi, 100.0, 100.0, 0);
        boolean whileEnabled = jdbi.inTransaction(handle -> CapacityLedger.reserveForNew(handle, "h@b#p", 10, true, 1.0, 0));
        pools.setDisabled("b", true, "draining", T0);
        boolean newOnDisabled = jdbi.inTransaction(handle -> CapacityLedger.reserveForNew(handle, "h@b#p", 10, true, 1.0, 0));
        boolean extendOnDisabled = jdbi.inTransaction(handle -> CapacityLedger.reserve(handle, "h@b#p", 5, true, 1.0, 0));

        assertThat(whileEnabled).isTrue();
        assertThat(newOnDisabled).isFalse();
        assertThat(extendOnDisabled).isTrue();
        assertThat(pools.list().get(0).allocatedCapacityGb()).isEqualTo(15);
    }

    /**
     * A drain disables its backend under the backends' locks, then plans: a reservation for a new share waits for
     * it and is refused, instead of landing on the backend unseen by the plan.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aReservationWaitsForADisableInFlightAndIsRefused(TestDatabase database) throws Exception {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        PoolDao pools = pool(jdbi, 100.0, 100.0, 0);
        try (Handle drain = jdbi.open()) {
            drain.begin();
            drain.createQuery("SELECT name FROM backends ORDER BY name FOR UPDATE").mapTo(String.class).list();
            drain.attach(PoolDao.class).setDisabled("b", true, "draining", T0);
            CompletableFuture<Boolean> reservation = CompletableFuture.supplyAsync(() ->
                    jdbi.inTransaction(handle -> CapacityLedger.reserveForNew(handle, "h@b#p", 10, true, 1.0, 0)));
            Thread.sleep(500);
            assertThat(reservation).as("waits for the drain's transaction").isNotDone();
            drain.commit();
            assertThat(reservation.get(30, TimeUnit.SECONDS)).isFalse();
        }
        assertThat(pools.list().get(0).allocatedCapacityGb()).isZero();
    }

    private static PoolDao pool(Jdbi jdbi, Double total, Double free, long provisioned) {
        PoolDao pools = jdbi.onDemand(PoolDao.class);
        pools.insertBackend("b", "h", "linux");
        pools.insertPool("h@b#p", "b", "p", provisioned);
        pools.updateStats("h@b#p", total, free, "{}", T0);
        return pools;
    }
}
