package org.manilaj.core.migration;

import org.manilaj.core.copy.CopyEngine;
import org.manilaj.core.copy.CopyEngines;
import org.manilaj.core.copy.CopyEnds;
import org.manilaj.core.copy.CopyPass;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.access.AccessRuleDao;
import org.manilaj.core.access.AccessRules;
import org.manilaj.core.db.ErrorText;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.share.ExportLocation;
import org.manilaj.core.share.ExportLocationDao;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.TaskState;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a migration through its phases, one recorded step at a time. It runs inside a durable job, so
 * after a crash it is simply run again: each step starts by reading the recorded phase, and every step is
 * safe to repeat (drivers create and delete idempotently; a copy pass redone is only slower). A failure
 * before the cut-over ends in {@code migration_error} with the source untouched and the destination
 * removed; after the cut-over only the source copy is left to remove, and that is retried.
 */
public final class MigrationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);
    /** A pass that copied less than this ends phase 1 (what changes meanwhile waits for the final pass). */
    static final long SMALL_PASS_BYTES = 16L << 20;
    static final int MAX_PASSES = 8;

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PlacementService placement;
    private final Map<String, CopyEngine> engines = CopyEngines.all();
    /** Migrations this process is running now: the reconcile job does not queue them again. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    /** Migrations asked to run while they ran here: each runs once more when its run ends. */
    private final Set<String> again = ConcurrentHashMap.newKeySet();
    /** Migrations whose run here reached their first phase's end or their end, for the listener once the run ends. */
    private final Map<String, ShareMigration> settled = new ConcurrentHashMap<>();
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final ExecutorService copies;
    private final ScheduledExecutorService beats = MigrationHeartbeat.beats();
    private final String node;
    private final Duration lease;
    private final Clock clock;
    private final MigrationListener listener;

    /**
     * @param node this process's name (as in operation leases: stable across its restarts)
     * @param lease how long a migration stays this node's without a renewal (renewed while it copies)
     */
    public MigrationRunner(Jdbi jdbi, BackendRegistry registry, PlacementService placement, String node, Duration lease,
                           int threads, Clock clock) {
        this(jdbi, registry, placement, node, lease, threads, clock, MigrationListener.NONE);
    }

    /** @param listener told why a migration failed, and when one's first phase is done or it ended */
    public MigrationRunner(Jdbi jdbi, BackendRegistry registry, PlacementService placement, String node, Duration lease,
                           int threads, Clock clock, MigrationListener listener) {
        this.listener = listener;
        this.jdbi = jdbi;
        this.registry = registry;
        this.placement = placement;
        this.node = node;
        this.lease = lease;
        this.clock = clock;
        this.copies = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "migration-" + THREADS.incrementAndGet());
            thread.setDaemon(true); // a copy cut short by a stop is redone after the restart, never failed for it
            return thread;
        });
    }

    /**
     * Runs the migration on one of the migration threads (a long copy must not hold a job thread); nothing
     * happens when this process runs it already.
     */
    public void submit(String migrationId) {
        if (!running.add(migrationId)) {
            runAgainAfter(migrationId);
            return;
        }
        try {
            copies.execute(() -> {
                try {
                    runClaimed(migrationId);
                } catch (RuntimeException e) {
                    LOG.error("migration {} stopped: {}", migrationId, e.getMessage(), e);
                } finally {
                    ended(migrationId);
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(migrationId); // stopping: the reconcile job after the restart queues it again
        }
    }

    /**
     * The migration runs here already, maybe past its last read of the phase (a complete or cancel committed just
     * now would wait for the reconcile job): it runs once more when that run ends.
     */
    private void runAgainAfter(String migrationId) {
        again.add(migrationId);
        if (!running.contains(migrationId) && again.remove(migrationId)) {
            submit(migrationId); // it ended meanwhile, before it could see the mark
        }
    }

    /**
     * After a run: the listener hears of a first phase done or an end only now, so that a complete or cancel it causes
     * starts a run of its own instead of arriving while this one ends.
     */
    private void ended(String migrationId) {
        ShareMigration turned = settled.remove(migrationId);
        running.remove(migrationId);
        if (turned != null) {
            listener.settled(turned);
        }
        if (again.remove(migrationId)) {
            submit(migrationId);
        }
    }

    /**
     * Stops taking migrations and renewing leases; those copying now end with the process (each resumes after the
     * restart, or on another node once its lease has run out).
     */
    public void close() {
        copies.shutdown();
        beats.shutdownNow();
    }


    /** Thrown out of a pass's progress when the migration was cancelled meanwhile: the pass stops there. */
    static final class PassStoppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PassStoppedException() {
            super("the migration left its copying phase");
        }
    }

    /** Thrown when this node's lease on a migration ran out (another node may be running it now). */
    static final class LeaseLostException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseLostException(String migrationId) {
            super("lost the lease on migration " + migrationId);
        }
    }

    /** The migrations a job must carry on (after a restart, any that were running). */
    public List<String> unfinished() {
        List<String> phases = MigrationPhase.RUNNING.stream().map(MigrationPhase::wireName).toList();
        return jdbi.withExtension(MigrationDao.class, dao -> dao.unattended(phases, node, clock.instant())).stream()
                .map(ShareMigration::id)
                .filter(id -> !running.contains(id)) // already on one of this process's job threads
                .toList();
    }

    /**
     * Runs the migration until it waits for an admin ({@code phase1_done}) or has ended, if this node can
     * take its lease; another node holding it runs it instead.
     */
    public void run(String migrationId) {
        if (!running.add(migrationId)) {
            runAgainAfter(migrationId);
            return;
        }
        try {
            runClaimed(migrationId);
        } finally {
            ended(migrationId);
        }
    }

    private void runClaimed(String migrationId) {
        Instant now = clock.instant();
        if (jdbi.withExtension(MigrationDao.class, dao -> dao.claim(migrationId, node, now.plus(lease), now)) == 0) {
            LOG.debug("migration {} is run by another node", migrationId);
            return;
        }
        MigrationHeartbeat.Ledger ledger = new MigrationHeartbeat.Ledger() {
            @Override
            public void renew() {
                MigrationRunner.this.renew(migrationId);
            }

            @Override
            public void record(long copied, long total) {
                jdbi.useExtension(MigrationDao.class, dao -> dao.recordProgress(migrationId, copied, total, clock.instant()));
            }
        };
        try (MigrationHeartbeat heartbeat = new MigrationHeartbeat(migrationId, ledger,
                () -> stillIn(migrationId, MigrationPhase.COPYING), MigrationHeartbeat.STALL, lease, beats)) {
            advance(migrationId, heartbeat);
        } catch (LeaseLostException e) {
            LOG.warn("migration {}: {}; leaving it to the node that holds it now", migrationId, e.getMessage());
            return;
        }
        jdbi.useExtension(MigrationDao.class, dao -> dao.release(migrationId, node));
    }

    private void renew(String migrationId) {
        jdbi.useTransaction(handle -> hold(handle, migrationId));
    }

    /**
     * In the caller's transaction: proves this node still holds the migration (and keeps the row locked
     * until the transaction ends), or rolls back; every recording step starts with it, so a node whose
     * lease ran out records nothing after another node took the migration over. A migration that has
     * ended meanwhile (its row gone) is no loss of lease: the caller's own update then finds nothing.
     */
    private void hold(Handle handle, String migrationId) {
        Instant now = clock.instant();
        MigrationDao dao = handle.attach(MigrationDao.class);
        if (dao.renew(migrationId, node, now.plus(lease), now) == 0 && dao.find(migrationId).isPresent()) {
            handle.rollback();
            throw new LeaseLostException(migrationId);
        }
    }

    private void advance(String migrationId, MigrationHeartbeat heartbeat) {
        while (true) {
            renew(migrationId);
            Optional<ShareMigration> found = jdbi.withExtension(MigrationDao.class, dao -> dao.find(migrationId));
            if (found.isEmpty()) {
                return;
            }
            ShareMigration migration = found.get();
            Optional<Share> share = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(migration.shareId()));
            if (share.isEmpty()) {
                return; // force-deleted meanwhile: its migration row went with it
            }
            MigrationPhase phase = migration.migrationPhase();
            try {
                switch (phase) {
                    case STARTING -> createDestination(migration, share.get());
                    case COPYING -> copyUntilSmall(migration, share.get(), heartbeat);
                    case PHASE1_DONE -> {
                        return;
                    }
                    case COMPLETING -> cutOver(migration, share.get(), heartbeat);
                    case REMOVING_SOURCE -> {
                        removeSource(migration, share.get());
                        settled.put(migrationId, migration);
                        return;
                    }
                    case CANCELLING, FAILING -> {
                        rollBack(migration, share.get());
                        settled.put(migrationId, migration);
                        return;
                    }
                    default -> throw new IllegalStateException("unknown phase " + phase);
                }
            } catch (LeaseLostException e) {
                throw e;
            } catch (RuntimeException e) {
                if (phase == MigrationPhase.REMOVING_SOURCE || phase == MigrationPhase.CANCELLING || phase == MigrationPhase.FAILING) {
                    LOG.error("share {}: migration {} could not finish {} (retried at the next start or reconcile): {}",
                            migration.shareId(), migrationId, phase.wireName(), e.getMessage(), e);
                    return;
                }
                LOG.error("share {}: migration {} failed in {}: {}", migration.shareId(), migrationId, phase.wireName(),
                        e.getMessage(), e);
                jdbi.useExtension(MigrationDao.class, dao -> dao.fail(migrationId, phase.wireName(), node,
                        ErrorText.of(e.getMessage()), clock.instant()));
            }
        }
    }

    private void createDestination(ShareMigration migration, Share share) {
        CopyEnds ends = ends(migration, share);
        engine(migration).prepare(ends);
        if (!migration.writable()) {
            applyAccess(ends.source(), share, true);
            engine(migration).sealSource(ends, true);
        }
        advance(migration, MigrationPhase.STARTING, MigrationPhase.COPYING, TaskState.MIGRATION_DRIVER_IN_PROGRESS);
        LOG.info("share {}: migration {} ({}) prepared {}", share.id(), migration.id(), migration.engine(), migration.destHost());
    }

    private void copyUntilSmall(ShareMigration migration, Share share, MigrationHeartbeat heartbeat) {
        int pass = migration.pass();
        String cursor = migration.copyCursor();
        while (true) {
            pass++;
            CopyPass done;
            try {
                done = copyPass(migration, share, pass, false, cursor, heartbeat);
            } catch (PassStoppedException e) {
                return; // cancelled meanwhile: the loop in run() takes the new phase
            }
            if (!stillIn(migration.id(), MigrationPhase.COPYING)) {
                return;
            }
            cursor = done.cursor();
            if (done.bytesChanged() < SMALL_PASS_BYTES || pass >= MAX_PASSES) {
                advance(migration, MigrationPhase.COPYING, MigrationPhase.PHASE1_DONE, TaskState.MIGRATION_DRIVER_PHASE1_DONE);
                LOG.info("share {}: migration {} phase 1 done after {} pass(es)", share.id(), migration.id(), pass);
                settled.put(migration.id(), migration);
                return;
            }
        }
    }

    /** Tries of one pass before the migration fails: a host that drops a connection, a file that changed type. */
    static final int PASS_TRIES = 3;

    /**
     * Copy pass number {@code pass} (the {@code last} one runs with the source read-only), tried again from its
     * start when it fails for another reason than a cancel or a lost lease.
     */
    private CopyPass copyPass(ShareMigration migration, Share share, int pass, boolean last, String cursor,
                              MigrationHeartbeat heartbeat) {
        for (int attempt = 1; ; attempt++) {
            try {
                return copyPassOnce(migration, share, pass, last, cursor, heartbeat);
            } catch (PassStoppedException | LeaseLostException e) {
                throw e;
            } catch (RuntimeException e) {
                if (attempt >= PASS_TRIES) {
                    throw e;
                }
                LOG.warn("share {}: migration {} pass {} failed (try {} of {}), redone from its start: {}", share.id(),
                        migration.id(), pass, attempt, PASS_TRIES, e.getMessage());
                sleep(Duration.ofSeconds(2L * attempt));
            }
        }
    }

    private CopyPass copyPassOnce(ShareMigration migration, Share share, int pass, boolean last, String cursor,
                                  MigrationHeartbeat heartbeat) {
        CopyEnds ends = ends(migration, share);
        CopyEngine engine = engine(migration);
        CopyPass done;
        heartbeat.startPass(last);
        try {
            done = engine.copy(ends, pass, last, cursor, heartbeat);
        } catch (RuntimeException e) {
            RuntimeException reason = heartbeat.stopReason();
            if (reason != null && reason != e) { // the heartbeat closed the streams: its reason, not the broken pipe
                reason.addSuppressed(e);
                throw reason;
            }
            throw e;
        } finally {
            heartbeat.endPass();
        }
        jdbi.useTransaction(handle -> {
            hold(handle, migration.id());
            handle.attach(MigrationDao.class).recordPass(migration.id(), pass, done.bytesCopied(), done.bytesTotal(),
                    done.rateBytesPerS(), done.cursor(), clock.instant());
        });
        if (!last) { // after the last pass everything the engine made goes at once
            engine.passRecorded(ends, pass, cursor);
        }
        LOG.info("share {}: migration {} pass {}{}: {} of {} bytes ({} changed){}, {} ms, {} MB/s", share.id(), migration.id(),
                pass, last ? " (last, source read-only)" : "", done.bytesCopied(), done.bytesTotal(), done.bytesChanged(),
                done.files() < 0 ? "" : " in " + done.filesCopied() + " of " + done.files() + " files",
                done.took().toMillis(), done.rateBytesPerS() / 1_000_000);
        return done;
    }

    /**
     * The source goes read-only, the last pass copies what changed, the destination gets the share's rules,
     * then one transaction moves the share (host, export locations, capacity) and marks the source for removal.
     */
    private void cutOver(ShareMigration migration, Share share, MigrationHeartbeat heartbeat) {
        CopyEnds ends = ends(migration, share);
        BackendRegistry.PoolEntry source = ends.source();
        BackendRegistry.PoolEntry destination = ends.destination();
        CopyEngine engine = engine(migration);
        long started = System.nanoTime();
        if (engine.copiesIntoDestinationShare()) {
            // a cut-over run again after a crash finds the destination exported with the share's rules: the last pass
            // must not copy into a tree the tenant can reach (a link planted there would be written through)
            destination.driver().applyAccess(ends.destinationRef(), List.of());
        }
        applyAccess(source, share, true);
        engine.sealSource(ends, true);
        int lastPass = migration.pass() + 1;
        CopyPass last = copyPass(migration, share, lastPass, true, migration.copyCursor(), heartbeat);
        ShareExport export = engine.finish(ends, lastPass, last);
        applyAccess(destination, share, false);
        Instant now = clock.instant();
        List<ExportLocation> locations = ExportLocation.of(share.id(), export, now);
        boolean switched = jdbi.inTransaction(handle -> {
            hold(handle, migration.id());
            if (handle.attach(MigrationDao.class).move(migration.id(), List.of(MigrationPhase.COMPLETING.wireName()),
                    MigrationPhase.REMOVING_SOURCE.wireName(), now) == 0) {
                return false;
            }
            String type = migration.destShareTypeId() == null ? share.shareTypeId() : migration.destShareTypeId();
            if (handle.attach(ShareDao.class).switchHost(share.id(), destination.fullName(), availabilityZone(destination),
                    migration.destReservedGb(), type, TaskState.MIGRATION_SUCCESS.wireName(), now) == 0) {
                // an admin changed the share's status meanwhile: nothing moves, the migration fails instead
                handle.rollback();
                throw new IllegalStateException("share " + share.id() + " is no longer migrating; the cut-over is undone");
            }
            if (share.reservedGb() > 0) {
                handle.attach(PoolDao.class).release(source.fullName(), share.reservedGb());
            }
            ExportLocationDao exports = handle.attach(ExportLocationDao.class);
            exports.deleteForShare(share.id());
            exports.insert(locations);
            MigrationEvents.record(handle, "migration.complete", share, migration, now);
            return true;
        });
        if (switched) {
            LOG.info("share {}: migration {} switched to {} at {} (cut-over {} ms)", share.id(), migration.id(),
                    destination.fullName(), locations.get(0).path(), (System.nanoTime() - started) / 1_000_000);
        }
    }

    private void removeSource(ShareMigration migration, Share share) {
        CopyEnds ends = ends(migration, share);
        ends.source().driver().delete(ends.sourceRef());
        engine(migration).clean(ends);
        jdbi.useExtension(MigrationDao.class, dao -> dao.delete(migration.id()));
        LOG.info("share {}: migration {} succeeded; the copy on {} is removed", share.id(), migration.id(), ends.source().fullName());
    }

    /** Cancel or failure: the destination's copy goes, its capacity is given back, the source is as before. */
    private void rollBack(ShareMigration migration, Share share) {
        CopyEnds ends = ends(migration, share);
        BackendRegistry.PoolEntry destination = ends.destination();
        CopyEngine engine = engine(migration);
        // first: the source is usable again even if the rest fails
        engine.sealSource(ends, false);
        applyAccess(ends.source(), share, false);
        destination.driver().delete(ends.destinationRef());
        engine.clean(ends);
        boolean failed = migration.migrationPhase() == MigrationPhase.FAILING;
        TaskState outcome = failed ? TaskState.MIGRATION_ERROR : TaskState.MIGRATION_CANCELLED;
        jdbi.useTransaction(handle -> {
            hold(handle, migration.id());
            if (handle.attach(MigrationDao.class).delete(migration.id()) == 0) {
                return;
            }
            handle.attach(PoolDao.class).release(destination.fullName(), migration.destReservedGb());
            handle.attach(ShareDao.class).endMigration(share.id(), outcome.wireName(), clock.instant());
            MigrationEvents.record(handle, failed ? "migration.error" : "migration.cancel", share, migration, clock.instant());
            if (failed) {
                listener.failed(handle, migration);
            }
        });
        LOG.info("share {}: migration {} {}; the share stays on {}{}", share.id(), migration.id(),
                failed ? "failed" : "cancelled", migration.sourceHost(), failed ? " (" + migration.error() + ")" : "");
    }

    private void applyAccess(BackendRegistry.PoolEntry pool, Share share, boolean readOnly) {
        List<AccessGrant> grants = AccessRules.grants(
                jdbi.withExtension(AccessRuleDao.class, rules -> rules.forShare(share.id())), readOnly);
        pool.driver().applyAccess(new ShareRef(share.id(), pool.pool(), share.sizeGb()), grants);
    }

    private void advance(ShareMigration migration, MigrationPhase from, MigrationPhase to, TaskState taskState) {
        jdbi.useTransaction(handle -> {
            hold(handle, migration.id());
            if (handle.attach(MigrationDao.class).move(migration.id(), List.of(from.wireName()), to.wireName(),
                    clock.instant()) > 0) {
                handle.attach(ShareDao.class).setTaskState(migration.shareId(), taskState.wireName(), clock.instant());
            }
        });
    }

    private boolean stillIn(String migrationId, MigrationPhase phase) {
        return jdbi.withExtension(MigrationDao.class, dao -> dao.find(migrationId))
                .map(found -> found.migrationPhase() == phase).orElse(false);
    }

    private CopyEnds ends(ShareMigration migration, Share share) {
        return new CopyEnds("migration", share, pool(migration.sourceHost()), pool(migration.destHost()));
    }

    private CopyEngine engine(ShareMigration migration) {
        CopyEngine engine = engines.get(migration.engine());
        if (engine == null) {
            throw new IllegalStateException("migration " + migration.id() + " names an unknown engine " + migration.engine());
        }
        return engine;
    }

    private BackendRegistry.PoolEntry pool(String name) {
        return registry.pool(name).orElseThrow(() -> new DriverException("pool " + name + " is not configured any more"));
    }

    private String availabilityZone(BackendRegistry.PoolEntry pool) {
        return placement.availabilityZoneOf(pool);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
