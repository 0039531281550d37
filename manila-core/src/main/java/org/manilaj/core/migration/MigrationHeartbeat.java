package org.manilaj.core.migration;

import org.manilaj.core.copy.PassControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once a second for as long as a node runs a migration, on a thread of its own (never the copying thread,
 * which a commit's fsync would stall): renews the lease, and while a pass runs records its progress and
 * sees whether it must stop: the migration was cancelled (unless it is the last pass), the lease was lost,
 * or no byte moved for {@link #STALL}. A pass that must stop has its streams closed, so that even a read or
 * write blocked on a stuck host ends, and hears why at its next progress report.
 */
final class MigrationHeartbeat implements PassControl, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationHeartbeat.class);
    /** How long a pass may move nothing before it counts as stuck (and is retried). */
    static final Duration STALL = Duration.ofMinutes(10);
    /** The heartbeats' thread of a node: closed with it, so a stopped node renews nothing more. */
    static ScheduledExecutorService beats() {
        return Executors.newScheduledThreadPool(1, runnable -> {
            Thread thread = new Thread(runnable, "migration-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** What the heartbeat does through the node's database. */
    interface Ledger {
        /** Renews the lease, or throws {@link MigrationRunner.LeaseLostException}. */
        void renew();

        /** Records the running pass's bytes so far and its total. */
        void record(long copied, long total);
    }

    private final String migrationId;
    private final Ledger ledger;
    private final BooleanSupplier stillCopying;
    private final Duration stall;
    /** How long renewals may fail before the pass stops: a node cut off from the database lost its lease meanwhile. */
    private final long unrenewedNanos;
    private volatile long renewed = System.nanoTime();
    /** The stop is for renewals that failed, not for a lease another node holds: a renewal that succeeds lifts it. */
    private volatile boolean silenced;
    private final List<AutoCloseable> streams = new ArrayList<>();
    private final ScheduledFuture<?> task;
    private volatile boolean inPass;
    private volatile boolean lastPass;
    private volatile boolean beginning;
    private volatile long copied;
    private volatile long total;
    /** Progress reports of the running pass: counted by the copying thread, compared by the heartbeat. */
    private volatile long reports;
    private long reportsSeen;
    private long lastMoved;
    private volatile RuntimeException stop;

    /**
     * @param lease how long the migration stays this node's without a renewal: once renewals have failed for most
     *              of it, the pass stops, before another node may take the migration over and copy beside it
     */
    MigrationHeartbeat(String migrationId, Ledger ledger, BooleanSupplier stillCopying, Duration stall, Duration lease,
                       ScheduledExecutorService beats) {
        this.migrationId = migrationId;
        this.ledger = ledger;
        this.stillCopying = stillCopying;
        this.stall = stall;
        this.unrenewedNanos = lease.toNanos() * 2 / 3;
        this.task = beats.scheduleWithFixedDelay(this::beat, 1, 1, TimeUnit.SECONDS);
    }

    /** A pass begins; a reason to stop left by the pass before (but not a lost lease) is forgotten. */
    void startPass(boolean last) {
        synchronized (streams) {
            streams.clear();
        }
        if (!(stop instanceof MigrationRunner.LeaseLostException)) {
            stop = null;
        }
        copied = 0;
        total = 0;
        lastPass = last;
        beginning = true; // the heartbeat starts the stall clock at its next beat
        inPass = true;
    }

    void endPass() {
        inPass = false;
        synchronized (streams) {
            streams.clear();
        }
    }

    /** Why the running pass was stopped, or {@code null}. */
    RuntimeException stopReason() {
        return stop;
    }

    @Override
    public void total(long bytes) {
        total = bytes;
    }

    @Override
    public void progress(long bytes) { // every report is a sign of life: a stream's bytes, a file copy's files
        copied = bytes;
        reports++; // only the copying thread writes it; cheaper than reading a clock for every buffer
        if ((reports & 0xff) == 0 && System.nanoTime() - renewed > unrenewedNanos) {
            // a renewal that hangs (a cut-off connection) never reaches the heartbeat's own check
            stopForSilence();
        }
        RuntimeException reason = stop;
        if (reason != null) {
            throw reason;
        }
    }

    @Override
    public void closeOnStop(AutoCloseable stream) {
        synchronized (streams) {
            streams.add(stream);
        }
        if (stop != null) {
            closeStreams();
        }
    }

    private void beat() {
        try {
            ledger.renew();
            renewed = System.nanoTime();
            if (silenced) { // the database answers again and the lease is still ours: the next pass may run
                silenced = false;
                stop = null;
            }
            if (!inPass) {
                return;
            }
            long now = System.nanoTime();
            if (beginning) {
                beginning = false;
                reportsSeen = reports;
                lastMoved = now;
            }
            if (reports != reportsSeen) {
                reportsSeen = reports;
                lastMoved = now;
            }
            if (!lastPass && !stillCopying.getAsBoolean()) {
                stop(new MigrationRunner.PassStoppedException());
            } else if (now - lastMoved > stall.toNanos()) {
                stop(new IllegalStateException("no byte moved for " + stall.toMinutes() + " minutes: the pass is stuck"));
            } else {
                ledger.record(copied, total);
            }
        } catch (MigrationRunner.LeaseLostException e) {
            stop(e);
        } catch (RuntimeException e) {
            LOG.warn("migration {}: lease or progress not recorded this time: {}", migrationId, e.getMessage());
            if (System.nanoTime() - renewed > unrenewedNanos) {
                stopForSilence();
            }
        }
    }

    /** Renewals failed (or hang) for most of the lease: the pass stops before another node may take over. */
    private synchronized void stopForSilence() {
        if (stop == null) {
            silenced = true;
            stop(new MigrationRunner.LeaseLostException(migrationId));
        }
    }

    private void stop(RuntimeException reason) {
        if (stop == null) {
            stop = reason;
            LOG.info("migration {}: stopping its pass: {}", migrationId, reason.getMessage());
        }
        closeStreams();
    }

    private void closeStreams() {
        List<AutoCloseable> open;
        synchronized (streams) {
            open = new ArrayList<>(streams);
            streams.clear();
        }
        for (AutoCloseable stream : open) {
            try {
                stream.close();
            } catch (Exception e) {
                LOG.debug("migration {}: closing a stream: {}", migrationId, e.toString());
            }
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
