package org.manilaj.core.migration;

import org.manilaj.core.copy.StreamRelay;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.manilaj.driver.ByteStream;

/**
 * A pass whose stream is stuck (the sending host went silent: the read blocks for ever) still ends: when the
 * migration is cancelled, and when nothing moved for the stall time, the heartbeat closes its streams.
 */
class MigrationHeartbeatTest {
    private static final Duration LEASE = Duration.ofMinutes(10);
    private static final java.util.concurrent.ScheduledExecutorService BEATS = MigrationHeartbeat.beats();

    /**
     * A node cut off from the database cannot renew; its lease runs out and another node may take the migration and
     * copy beside it: the pass stops once renewals have failed for most of the lease.
     */
    @Test
    void aPassStopsWhenItsLeaseCannotBeRenewed() throws Exception {
        MigrationHeartbeat.Ledger unreachable = new MigrationHeartbeat.Ledger() {
            @Override
            public void renew() {
                throw new IllegalStateException("connection refused");
            }

            @Override
            public void record(long copied, long total) {
            }
        };
        try (MigrationHeartbeat heartbeat = new MigrationHeartbeat("m", unreachable, () -> true, Duration.ofHours(1),
                Duration.ofSeconds(3), BEATS)) {
            assertThat(blockedPass(heartbeat).get(30, TimeUnit.SECONDS)).isInstanceOf(MigrationRunner.LeaseLostException.class);
        }
    }

    @Test
    void aCancelEndsAPassBlockedOnASilentHost() throws Exception {
        AtomicBoolean copying = new AtomicBoolean(true);
        try (MigrationHeartbeat heartbeat = new MigrationHeartbeat("m", ledger(), copying::get, Duration.ofHours(1), LEASE, BEATS)) {
            CompletableFuture<Throwable> pass = blockedPass(heartbeat);
            copying.set(false); // migration_cancel
            assertThat(pass.get(30, TimeUnit.SECONDS)).isInstanceOf(MigrationRunner.PassStoppedException.class);
        }
    }

    @Test
    void aStreamThatMovesNothingForTheStallTimeIsStopped() throws Exception {
        try (MigrationHeartbeat heartbeat = new MigrationHeartbeat("m", ledger(), () -> true, Duration.ofSeconds(2), LEASE, BEATS)) {
            Throwable stuck = blockedPass(heartbeat).get(30, TimeUnit.SECONDS);
            assertThat(stuck).isInstanceOf(IllegalStateException.class).hasMessageContaining("stuck");
        }
    }

    /** A renewal that hangs (a connection cut off without an error) stops a pass that keeps copying all the same. */
    @Test
    void aPassStopsWhenItsRenewalHangs() throws Exception {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        MigrationHeartbeat.Ledger hanging = new MigrationHeartbeat.Ledger() {
            @Override
            public void renew() {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void record(long copied, long total) {
            }
        };
        java.util.concurrent.ScheduledExecutorService beats = MigrationHeartbeat.beats();
        try (MigrationHeartbeat heartbeat = new MigrationHeartbeat("m", hanging, () -> true, Duration.ofHours(1),
                Duration.ofSeconds(3), beats)) {
            heartbeat.startPass(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Throwable stopped = null;
            for (long bytes = 0; stopped == null && System.nanoTime() < deadline; bytes++) {
                try {
                    heartbeat.progress(bytes);
                } catch (RuntimeException e) {
                    stopped = e;
                }
            }
            assertThat(stopped).isInstanceOf(MigrationRunner.LeaseLostException.class);
        } finally {
            beats.shutdownNow();
        }
    }

    /** A relay from a source that never writes, run as the runner runs a pass: what it ended with. */
    private static CompletableFuture<Throwable> blockedPass(MigrationHeartbeat heartbeat) throws IOException {
        PipedOutputStream silent = new PipedOutputStream();
        PipedInputStream output = new PipedInputStream(silent);
        heartbeat.startPass(false);
        return CompletableFuture.supplyAsync(() -> {
            try {
                StreamRelay.relay(() -> stream(output, silent), () -> stream(InputStream.nullInputStream(), null), heartbeat);
                return new AssertionError("the relay ended by itself");
            } catch (RuntimeException e) {
                RuntimeException reason = heartbeat.stopReason();
                return reason != null ? reason : e;
            } finally {
                heartbeat.endPass();
            }
        });
    }

    /** Closing it ends its output as closing a channel or killing a process does: the reader sees the end. */
    private static ByteStream stream(InputStream output, OutputStream writer) {
        return new ByteStream() {
            @Override
            public InputStream output() {
                return output;
            }

            @Override
            public OutputStream input() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public void await(Duration timeout) {
            }

            @Override
            public void close() {
                try {
                    if (writer != null) {
                        writer.close();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }

    private static MigrationHeartbeat.Ledger ledger() {
        return new MigrationHeartbeat.Ledger() {
            @Override
            public void renew() {
            }

            @Override
            public void record(long copied, long total) {
            }
        };
    }
}
