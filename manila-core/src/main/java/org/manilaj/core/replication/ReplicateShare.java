package org.manilaj.core.replication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.access.AccessRuleDao;
import org.manilaj.core.access.AccessRules;
import org.manilaj.core.copy.CopyEngine;
import org.manilaj.core.copy.CopyEngines;
import org.manilaj.core.copy.CopyEnds;
import org.manilaj.core.copy.CopyPass;
import org.manilaj.core.copy.PassControl;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.share.ExportLocation;
import org.manilaj.core.share.ExportLocationDao;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.ShareStatus;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.Lease;
import org.manilaj.core.work.OperationDao;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.ShareOperation;
import org.manilaj.core.work.TransientRetry;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a replicated share's replicas where their rows say, one step per replica, each safe to redo after a
 * crash: a replica {@code deleting} is removed, one {@code creating} is placed, created and copied in full, one
 * in {@code replication_change} is promoted, and every other secondary is synced from the active replica.
 * Access changes queued meanwhile are applied by an access sync the run hands over to when it ends.
 */
public final class ReplicateShare implements ShareOperation {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicateShare.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PlacementService placement;
    private final ShareTypeService shareTypes;
    private final QuotaService quotas;
    private final TransientRetry retry;
    private final Clock clock;
    private final Map<String, CopyEngine> engines = CopyEngines.all();

    public ReplicateShare(Jdbi jdbi, BackendRegistry registry, PlacementService placement, ShareTypeService shareTypes,
                          QuotaService quotas, TransientRetry retry, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.placement = placement;
        this.shareTypes = shareTypes;
        this.quotas = quotas;
        this.retry = retry;
        this.clock = clock;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.REPLICATION;
    }

    @Override
    public void run(Share share, Lease lease) {
        Map<String, String> extraSpecs = shareTypes.extraSpecs(share.shareTypeId());
        ReplicationType type = ReplicationType.of(extraSpecs).orElse(ReplicationType.DR);
        Share current = share;
        for (ShareReplica replica : replicas(share.id())) {
            switch (replica.status()) {
                case ShareReplica.DELETING -> delete(current, replica, lease);
                case ShareReplica.CREATING -> create(current, replica, extraSpecs, type, lease);
                case ShareReplica.REPLICATION_CHANGE -> {
                    promote(current, replica, type, lease);
                    current = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(share.id())).orElseThrow();
                }
                case ShareReplica.AVAILABLE -> {
                    if (!replica.isActive() && !ShareReplica.ERROR.equals(replica.replicaState())) {
                        sync(current, replica, type, lease);
                    }
                }
                default -> {
                    // error: left for an admin (reset_status, force_delete)
                }
            }
        }
        String shareId = share.id();
        jdbi.useTransaction(handle -> {
            if (!lease.hold(handle, "recording", 95)) {
                return;
            }
            // a promotion that will not happen (its replica reset, its operation dropped) leaves no share behind
            if (handle.attach(ReplicaDao.class).forShare(shareId).stream()
                    .noneMatch(replica -> ShareReplica.REPLICATION_CHANGE.equals(replica.status()))) {
                handle.attach(ShareDao.class).finish(shareId, ShareStatus.REPLICATION_CHANGE.wireName(),
                        ShareStatus.AVAILABLE.wireName(), clock.instant());
            }
            lease.finishOrHandOverToAccessSync(handle);
        });
    }

    /**
     * Started too often without finishing: the replicas it was working on are in error, the share available
     * again, and an access sync gives its clients back the access a cut-short promotion took away.
     */
    @Override
    public void abandon(Share share, Lease lease) {
        Instant now = clock.instant();
        jdbi.useTransaction(handle -> {
            if (!lease.hold(handle, "abandoned", 100)) {
                return;
            }
            ReplicaDao dao = handle.attach(ReplicaDao.class);
            for (ShareReplica replica : dao.forShare(share.id())) {
                if (ShareReplica.CREATING.equals(replica.status()) || ShareReplica.DELETING.equals(replica.status())) {
                    dao.setStatus(replica.id(), ShareReplica.ERROR, now);
                } else if (ShareReplica.REPLICATION_CHANGE.equals(replica.status())) {
                    dao.setStatus(replica.id(), ShareReplica.AVAILABLE, now);
                }
            }
            restoreActive(handle, share.id(), now);
            handle.attach(OperationDao.class).becomeAccessSync(lease.operation().id(), lease.owner(), now);
        });
    }

    /** In a held transaction: the share available again, its rules to be applied afresh by an access sync. */
    private static void restoreActive(Handle handle, String shareId, Instant now) {
        ShareDao shares = handle.attach(ShareDao.class);
        shares.finish(shareId, ShareStatus.REPLICATION_CHANGE.wireName(), ShareStatus.AVAILABLE.wireName(), now);
        shares.startAccessSync(shareId, now);
        handle.attach(OperationDao.class).requeueAccessSync(shareId, now);
    }

    private List<ShareReplica> replicas(String shareId) {
        return jdbi.withExtension(ReplicaDao.class, dao -> dao.forShare(shareId));
    }

    private void create(Share share, ShareReplica replica, Map<String, String> extraSpecs, ReplicationType type,
                        Lease lease) {
        Optional<BackendRegistry.PoolEntry> active = registry.pool(share.host());
        if (active.isEmpty()) {
            fail(replica, "the active replica's pool " + share.host() + " is not configured", lease);
            return;
        }
        String host = replica.host();
        if (host == null) {
            Set<String> taken = new HashSet<>();
            taken.add(active.get().backend());
            replicas(share.id()).stream().filter(other -> other.host() != null)
                    .forEach(other -> registry.pool(other.host()).ifPresent(pool -> taken.add(pool.backend())));
            Optional<BackendRegistry.PoolEntry> chosen = placement.placeReplica(replica, share, extraSpecs,
                    active.get().replicationDomain(), taken, lease);
            if (chosen.isEmpty()) {
                fail(replica, "no pool can take the replica: none up in replication domain "
                        + active.get().replicationDomain() + " on another backend" + (replica.availabilityZone() == null
                        ? "" : " in availability zone " + replica.availabilityZone()) + " with room for it", lease);
                return;
            }
            host = chosen.get().fullName();
            LOG.info("share {}: replica {} placed on {}", share.id(), replica.id(), host);
        }
        Optional<BackendRegistry.PoolEntry> pool = registry.pool(host);
        if (pool.isEmpty()) {
            fail(replica, "pool " + host + " is not configured any more", lease);
            return;
        }
        ShareExport export;
        try {
            export = retry.get(() -> pool.get().driver().create(new ShareSpec(share.id(), pool.get().pool(),
                    share.sizeGb(), share.shareProto(), Map.of())));
        } catch (DriverException | IllegalArgumentException e) {
            fail(replica, "creating it on " + host + " failed: " + e.getMessage(), lease);
            return;
        }
        held(lease, "replica created", handle -> handle.attach(ReplicaDao.class).setExportPath(replica.id(),
                export.locations().get(0).path(), clock.instant()));
        ShareReplica placed = jdbi.withExtension(ReplicaDao.class, dao -> dao.find(replica.id())).orElseThrow();
        sync(share, placed, type, lease);
    }

    /** One copy pass from the active replica; the replica's state says how it went. */
    private void sync(Share share, ShareReplica replica, ReplicationType type, Lease lease) {
        Optional<BackendRegistry.PoolEntry> active = registry.pool(share.host());
        Optional<BackendRegistry.PoolEntry> pool = registry.pool(replica.host());
        if (active.isEmpty() || pool.isEmpty()) {
            syncFailed(replica, ShareReplica.ERROR, "pool " + (active.isEmpty() ? share.host() : replica.host())
                    + " is not configured any more", lease);
            return;
        }
        Optional<String> engineName = CopyEngines.fileLevel(share, active.get(), pool.get());
        if (engineName.isEmpty()) {
            syncFailed(replica, ShareReplica.ERROR, "no engine can copy between " + share.host() + " and "
                    + replica.host(), lease);
            return;
        }
        CopyEngine engine = engines.get(engineName.get());
        CopyEnds ends = new CopyEnds(chain(replica), share, active.get(), pool.get());
        int pass = replica.syncPass() + 1;
        long started = System.nanoTime();
        Instant syncStarted = clock.instant(); // what the replica will hold is the active's tree from about now
        try {
            if (pass == 1) {
                engine.prepare(ends); // (re)creates the destination, whose export starts with no clients
            }
            // before the copy, so that clients of an old active back from a lost site stop writing what it overwrites
            applyAccess(share, replica, pool.get(), type);
            CopyPass copied = engine.copy(ends, pass, false, replica.syncCursor(), QUIET);
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            held(lease, "synced", handle -> handle.attach(ReplicaDao.class).recordSync(replica.id(), ShareReplica.IN_SYNC,
                    pass, copied.cursor(), syncStarted, copied.bytesCopied(), millis, clock.instant()));
            engine.passRecorded(ends, pass);
            LOG.info("share {}: replica {} on {} synced (pass {}): {} bytes in {} ms", share.id(), replica.id(),
                    replica.host(), pass, copied.bytesCopied(), millis);
        } catch (Lease.LeaseLostException e) {
            throw e;
        } catch (RuntimeException e) { // a host that fails or does not answer, a copy that breaks off
            LOG.debug("share {}: sync of replica {} failed", share.id(), replica.id(), e);
            syncFailed(replica, ShareReplica.OUT_OF_SYNC, "sync from " + share.host() + " failed: " + e.getMessage(),
                    lease);
        }
    }

    /**
     * Promotes {@code target}: when the active replica's host answers, its clients are cut to read-only and a
     * last pass copies what they wrote; when it does not, the target takes over from its last sync and the old
     * active is {@code out_of_sync} until a resync. Then the roles swap in one transaction, with the share's
     * pool, zone, reservation and export locations. The demoted side gets the access a secondary allows now
     * (else at its next sync); the new active its read-write rules from the access sync this run ends with.
     */
    private void promote(Share share, ShareReplica target, ReplicationType type, Lease lease) {
        ShareReplica oldActive = replicas(share.id()).stream().filter(ShareReplica::isActive).findFirst().orElseThrow();
        Optional<BackendRegistry.PoolEntry> activePool = registry.pool(share.host());
        Optional<BackendRegistry.PoolEntry> targetPool = registry.pool(target.host());
        if (targetPool.isEmpty()) {
            promotionFailed(share, target, "pool " + target.host() + " is not configured any more", lease);
            return;
        }
        boolean oldActiveAnswered = false;
        if (activePool.isPresent()) {
            try {
                ShareRef activeRef = new ShareRef(share.id(), activePool.get().pool(), share.sizeGb());
                activePool.get().driver().applyAccess(activeRef, grants(share, true));
                CopyEngine engine = engines.get(CopyEngines.fileLevel(share, activePool.get(), targetPool.get())
                        .orElseThrow(() -> new DriverException("no engine can copy to " + target.host())));
                engine.copy(new CopyEnds(chain(target), share, activePool.get(), targetPool.get()), target.syncPass() + 1,
                        true, target.syncCursor(), QUIET);
                oldActiveAnswered = true;
            } catch (Lease.LeaseLostException e) {
                throw e;
            } catch (RuntimeException e) { // whatever fails on the old side, the promotion goes on without it
                LOG.warn("share {}: active replica on {} did not answer ({}); replica {} takes over from its last sync at {}",
                        share.id(), share.host(), e.getMessage(), target.id(), target.lastSyncAt());
            }
        }
        ShareExport export;
        try {
            export = retry.get(() -> targetPool.get().driver().create(new ShareSpec(share.id(), targetPool.get().pool(),
                    share.sizeGb(), share.shareProto(), Map.of())));
        } catch (DriverException e) {
            promotionFailed(share, target, "promotion failed: " + e.getMessage(), lease);
            return;
        }
        String oldState = oldActiveAnswered ? ShareReplica.IN_SYNC : ShareReplica.OUT_OF_SYNC;
        boolean finalPassDone = oldActiveAnswered;
        Instant now = clock.instant();
        String oldExport = jdbi.withExtension(ShareReadDao.class, dao -> dao.exportsOf(share.id())).stream()
                .findFirst().map(ExportLocation::path).orElse(null);
        jdbi.useTransaction(handle -> {
            if (!lease.hold(handle, "promoting", 70)) {
                throw new Lease.LeaseLostException(lease.operation());
            }
            ReplicaDao dao = handle.attach(ReplicaDao.class);
            // the old active, when it answered, holds what the final pass copied: in sync as of now
            dao.assignRole(oldActive.id(), share.host(), share.availabilityZone(), share.reservedGb(), oldState, oldExport,
                    finalPassDone ? now : null, now);
            dao.assignRole(target.id(), null, null, 0, ShareReplica.ACTIVE, null, null, now);
            if (handle.attach(ShareDao.class).takeOverFromReplica(share.id(), target.host(), target.availabilityZone(),
                    target.reservedGb(), now) == 0) {
                handle.rollback(); // the share left replication_change meanwhile (an admin's reset): no swap
                throw new Lease.LeaseLostException(lease.operation());
            }
            dao.restartSyncs(share.id(), target.id(), now); // the others copied from the old active until now
            ExportLocationDao exports = handle.attach(ExportLocationDao.class);
            exports.deleteForShare(share.id());
            exports.insert(ExportLocation.of(share.id(), export, now));
            // the new active gets the share's rules read-write from the access sync this run hands over to: a
            // crash from here on cannot lose that step
            handle.attach(ShareDao.class).startAccessSync(share.id(), now);
            handle.attach(OperationDao.class).requeueAccessSync(share.id(), now);
        });
        LOG.info("share {}: replica {} on {} promoted; the replica on {} is now {}", share.id(), target.id(),
                target.host(), share.host(), oldState);
        if (oldActiveAnswered) {
            Share promoted = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(share.id())).orElseThrow();
            ShareReplica demoted = jdbi.withExtension(ReplicaDao.class, dao -> dao.find(oldActive.id())).orElseThrow();
            try {
                applyAccess(promoted, demoted, activePool.get(), type);
            } catch (RuntimeException e) {
                LOG.warn("share {}: access of the demoted replica on {} is set at its next sync: {}", share.id(),
                        share.host(), e.getMessage());
            }
        }
    }

    private void delete(Share share, ShareReplica replica, Lease lease) {
        if (replica.host() != null) {
            Optional<BackendRegistry.PoolEntry> pool = registry.pool(replica.host());
            if (pool.isPresent()) {
                try {
                    retry.run(() -> pool.get().driver().delete(new ShareRef(share.id(), pool.get().pool(), share.sizeGb())));
                } catch (DriverException e) {
                    if (!replica.forceDelete()) {
                        LOG.error("share {}: deleting replica {} on {} failed: {}", share.id(), replica.id(),
                                replica.host(), e.getMessage());
                        held(lease, "replica delete failed", handle -> handle.attach(ReplicaDao.class)
                                .setStatus(replica.id(), ShareReplica.ERROR, clock.instant()));
                        return;
                    }
                    LOG.error("share {}: replica {} force-deleted, but its data on {} could not be removed and stays"
                            + " there: {}", share.id(), replica.id(), replica.host(), e.getMessage());
                }
            }
        }
        jdbi.useTransaction(handle -> {
            if (!lease.hold(handle, "deleting replica", 50)) {
                throw new Lease.LeaseLostException(lease.operation());
            }
            if (handle.attach(ReplicaDao.class).delete(replica.id()) == 1) {
                PlacementService.releaseReplica(handle, replica);
                quotas.releaseReplica(handle, share.projectId(), share.sizeGb());
            }
        });
        LOG.info("share {}: replica {} on {} deleted", share.id(), replica.id(), replica.host());
    }

    /** A readable secondary's clients get the share's rules as read-only; a dr secondary none at all. */
    private void applyAccess(Share share, ShareReplica replica, BackendRegistry.PoolEntry pool, ReplicationType type) {
        List<AccessGrant> grants = type == ReplicationType.READABLE ? grants(share, true) : List.of();
        pool.driver().applyAccess(new ShareRef(share.id(), pool.pool(), share.sizeGb()), grants);
    }

    private List<AccessGrant> grants(Share share, boolean readOnly) {
        return AccessRules.grants(jdbi.withExtension(AccessRuleDao.class, dao -> dao.forShare(share.id())), readOnly);
    }

    /** A replica that could not be made: in error, for its owner to delete. */
    private void fail(ShareReplica replica, String reason, Lease lease) {
        LOG.error("share {}: replica {}: {}", replica.shareId(), replica.id(), reason);
        held(lease, "replica failed", handle -> {
            ReplicaDao dao = handle.attach(ReplicaDao.class);
            dao.recordFailure(replica.id(), ShareReplica.ERROR, reason, clock.instant());
            dao.setStatus(replica.id(), ShareReplica.ERROR, clock.instant());
        });
    }

    /** A sync that failed: the replica is behind ({@code state}); one still being created is in error. */
    private void syncFailed(ShareReplica replica, String state, String reason, Lease lease) {
        if (ShareReplica.CREATING.equals(replica.status())) {
            fail(replica, "its first copy failed: " + reason, lease);
            return;
        }
        LOG.warn("share {}: replica {} is {}: {}", replica.shareId(), replica.id(), state, reason);
        held(lease, "sync failed", handle -> handle.attach(ReplicaDao.class).recordFailure(replica.id(), state, reason,
                clock.instant()));
    }

    /** The promotion did not happen: the replica as it was, the share available with its rules applied afresh. */
    private void promotionFailed(Share share, ShareReplica target, String reason, Lease lease) {
        LOG.error("share {}: replica {} on {} cannot be promoted: {}", share.id(), target.id(), target.host(), reason);
        held(lease, "promotion failed", handle -> {
            Instant now = clock.instant();
            ReplicaDao dao = handle.attach(ReplicaDao.class);
            dao.recordFailure(target.id(), target.replicaState(), reason, now);
            dao.setStatus(target.id(), ShareReplica.AVAILABLE, now);
            restoreActive(handle, share.id(), now);
        });
    }

    /** Runs {@code writes} in a transaction that proves the lease is still ours; stops the run when it is not. */
    private void held(Lease lease, String phase, java.util.function.Consumer<Handle> writes) {
        jdbi.useTransaction(handle -> {
            if (!lease.hold(handle, phase, 50)) {
                throw new Lease.LeaseLostException(lease.operation());
            }
            writes.accept(handle);
        });
    }

    /** The snapshot chain of one secondary: letters only, as the host scripts accept, unique per replica. */
    static String chain(ShareReplica replica) {
        StringBuilder letters = new StringBuilder("replica");
        replica.id().chars().filter(c -> Character.digit(c, 16) >= 0).limit(12)
                .forEach(c -> letters.append((char) ('a' + Character.digit(c, 16))));
        return letters.toString();
    }

    /** Syncs are short and bounded by the driver's timeouts; the runner's heartbeat keeps the lease meanwhile. */
    private static final PassControl QUIET = new PassControl() {
        @Override
        public void total(long bytes) {
        }

        @Override
        public void progress(long bytes) {
        }

        @Override
        public void closeOnStop(AutoCloseable stream) {
        }
    };
}
