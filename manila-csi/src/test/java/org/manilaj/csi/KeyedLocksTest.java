package org.manilaj.csi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedLocksTest {
    private final KeyedLocks locks = new KeyedLocks();

    @Test
    void aSlowCallAboutOneKeyNeverHoldsUpAnotherKey() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> slow = threads.submit(() -> locks.with("pvc-a", () -> {
                await(release);
                return null;
            }));
            // under striping by hash, some other key would share pvc-a's stripe; here none waits
            for (int i = 0; i < 1000; i++) {
                Future<String> other = threads.submit(() -> locks.with("pvc-" + Thread.currentThread().getId() + "-x", () -> "done"));
                assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("done");
            }
            release.countDown();
            slow.get(5, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(locks.size()).isZero();
    }

    @Test
    void callsAboutOneKeyRunOneAtATime() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 200; i++) {
                threads.submit(() -> locks.with("pvc-same", () -> {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Thread.onSpinWait();
                    return inside.decrementAndGet();
                }));
            }
        } finally {
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(most.get()).isEqualTo(1);
        assertThat(locks.size()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
