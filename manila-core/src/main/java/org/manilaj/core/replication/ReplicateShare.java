package org.manilaj.core.replication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.copy.CopyEngine;
import org.manilaj.core.copy.CopyEnds;
import org.manilaj.core.copy.CopyPass;
import org.manilaj.core.copy.SnapshotStreamEngine;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.ShareStatus;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.Lease;
import org.manilaj.core.work.LeaseDao;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.ShareOperation;
import org.manilaj.core.work.TransientRetry;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a replicated share's replicas where their rows say, one step per replica, each safe to redo after a
 * crash: a replica {@code deleting} is removed, one {@code creating} is placed, created and copied in full, one
 * in {@code replication_change} is promoted ({@link PromoteReplica}), and every other secondary is synced from
 * the active replica. Between btrfs pools a secondary receives snapshot streams and its share is brought to each
 * snapshot received; else a file-level copy writes into it. Access changes queued meanwhile are applied by an
 * access sync the run hands over to when it ends.
 */
public final class ReplicateShare implements ShareOperation {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicateShare.class);

    private final Jdbi jdbi;
    private final PlacementService placement;
    private final ShareTypeService shareTypes;
    private final QuotaService quotas;
    private final TransientRetry retry;
    private final Clock clock;
    private final ReplicaCopies copies;
    private final PromoteReplica promotion;

    public ReplicateShare(Jdbi jdbi, BackendRegistry registry, PlacementService placement, ShareTypeService shareTypes,
                          QuotaService quotas, TransientRetry retry, Clock clock) {
        this.jdbi = jdbi;
        this.placement = placement;
        this.shareTypes = shareTypes;
        this.quotas = quotas;
        this.retry = retry;
        this.clock = clock;
        this.copies = new ReplicaCopies(jdbi, registry, clock);
        this.promotion = new PromoteReplica(copies, retry);
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
        for (ShareReplica replica : copies.replicas(share.id())) {
            switch (replica.status()) {
                case ShareReplica.DELETING -> delete(current, replica, lease);
                case ShareReplica.CREATING -> create(current, replica, extraSpecs, type, lease);
                case ShareReplica.REPLICATION_CHANGE -> {
                    promotion.promote(current, replica, type, lease);
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
        if (lease.operation().attempt() > 1) { // a run cut short may have left a snapshot no cursor names
            copies.pruneAll(current, lease);
        }
        String shareId = share.id();
        jdbi.useTransaction(handle -> {
            if (!lease.hold(handle, "recording", 95)) {
                return;
            }
            List<ShareReplica> now = handle.attach(ReplicaDao.class).forShare(shareId);
            if (now.stream().anyMatch(ReplicateShare::asked)) {
                // asked while this run went (queued on it): the runner runs it again, which takes it
                handle.attach(LeaseDao.class).resetAttempts(lease.operation().id(), lease.owner());
                return;
            }
            // a promotion that will not happen (its replica reset, its operation dropped) leaves no share behind
            handle.attach(ShareDao.class).finish(shareId, ShareStatus.REPLICATION_CHANGE.wireName(),
                    ShareStatus.AVAILABLE.wireName(), clock.instant());
            // access work is pending when the share says so, whichever round of this run it was queued on
            boolean accessPending = handle.attach(ShareReadDao.class).find(shareId)
                    .map(row -> "syncing".equals(row.accessRulesStatus())).orElse(false);
            if (accessPending) {
                handle.attach(LeaseDao.class).becomeAccessSync(lease.operation().id(), lease.owner(), clock.instant());
            } else {
                lease.finishOrHandOverToAccessSync(handle);
            }
        });
    }

    /** A replica a request wants created, deleted or promoted: what a run that ends leaves none of. */
    private static boolean asked(ShareReplica replica) {
        return ShareReplica.CREATING.equals(replica.status()) || ShareReplica.DELETING.equals(replica.status())
                || ShareReplica.REPLICATION_CHANGE.equals(replica.status());
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
                    dao.endPromotion(replica.id(), now);
                }
            }
            PromoteReplica.restoreActive(handle, share.id(), now);
            handle.attach(LeaseDao.class).becomeAccessSync(lease.operation().id(), lease.owner(), now);
        });
    }

    private void create(Share share, ShareReplica replica, Map<String, String> extraSpecs, ReplicationType type,
                        Lease lease) {
        Optional<BackendRegistry.PoolEntry> active = copies.pool(share.host());
        if (active.isEmpty()) {
            fail(replica, "the active replica's pool " + share.host() + " is not configured", lease);
            return;
        }
        String host = replica.host();
        if (host == null) {
            Set<String> taken = new HashSet<>();
            taken.add(active.get().backend());
            copies.replicas(share.id()).stream().filter(other -> other.host() != null)
                    .forEach(other -> copies.pool(other.host()).ifPresent(pool -> taken.add(pool.backend())));
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
        Optional<BackendRegistry.PoolEntry> pool = copies.pool(host);
        if (pool.isEmpty()) {
            fail(replica, "pool " + host + " is not configured any more", lease);
            return;
        }
        if (!snapshotStreams(share, active.get(), pool.get())) { // the snapshot engine makes the share from its first pass
            ShareExport export;
            try {
                export = retry.get(() -> pool.get().driver().create(new ShareSpec(share.id(), pool.get().pool(),
                        share.sizeGb(), share.shareProto(), Map.of())));
            } catch (DriverException | IllegalArgumentException e) {
                fail(replica, "creating it on " + host + " failed: " + e.getMessage(), lease);
                return;
            }
            copies.held(lease, "replica created", handle -> handle.attach(ReplicaDao.class).setExportPath(replica.id(),
                    export.locations().get(0).path(), clock.instant()));
        }
        ShareReplica placed = jdbi.withExtension(ReplicaDao.class, dao -> dao.find(replica.id())).orElseThrow();
        sync(share, placed, type, lease);
    }

    private boolean snapshotStreams(Share share, BackendRegistry.PoolEntry active, BackendRegistry.PoolEntry pool) {
        return copies.engine(share, active, pool).map(engine -> SnapshotStreamEngine.NAME.equals(engine.name()))
                .orElse(false);
    }

    /**
     * One copy pass from the active replica, after which the replica's share holds what the pass copied; the
     * replica's state says how it went.
     */
    private void sync(Share share, ShareReplica replica, ReplicationType type, Lease lease) {
        Optional<BackendRegistry.PoolEntry> active = copies.pool(share.host());
        Optional<BackendRegistry.PoolEntry> pool = copies.pool(replica.host());
        if (active.isEmpty() || pool.isEmpty()) {
            syncFailed(replica, ShareReplica.ERROR, "pool " + (active.isEmpty() ? share.host() : replica.host())
                    + " is not configured any more", lease);
            return;
        }
        Optional<CopyEngine> found = copies.engine(share, active.get(), pool.get());
        if (found.isEmpty()) {
            syncFailed(replica, ShareReplica.ERROR, "no engine can copy between " + share.host() + " and "
                    + replica.host(), lease);
            return;
        }
        CopyEngine engine = found.get();
        CopyEnds ends = ReplicaCopies.ends(replica, share, active.get(), pool.get());
        int pass = replica.syncPass() + 1;
        // the snapshot engine makes a new replica's share from its first pass; one that exists (a copy started
        // over after a promotion) stays, readable, until the first pass is brought into it
        boolean snapshots = SnapshotStreamEngine.NAME.equals(engine.name());
        boolean shareExists = !snapshots || pass > 1 || replica.exportPath() != null;
        long started = System.nanoTime();
        Instant syncStarted = clock.instant(); // what the replica will hold is the active's tree from about now
        try {
            if (pass == 1 && snapshots && shareExists) {
                engine.clean(ends); // only the chain's snapshots of an earlier copy: the first pass sends everything
            } else if (pass == 1) {
                engine.prepare(ends); // the destination made ready, nothing of an earlier attempt in the way
            }
            if (shareExists) {
                // before the copy, so that clients of an old active back from a lost site stop writing what it overwrites
                copies.applyAccess(share, pool.get(), type);
            }
            CopyPass copied = engine.copy(ends, pass, false, replica.syncCursor(), ReplicaCopies.QUIET);
            Optional<ShareExport> refreshed = engine.refreshDestination(ends, copied.cursor());
            if (refreshed.isPresent() && pass == 1) {
                copies.applyAccess(share, pool.get(), type); // made by this pass: exported now
            }
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            copies.held(lease, "synced", handle -> {
                ReplicaDao dao = handle.attach(ReplicaDao.class);
                dao.recordSync(replica.id(), ShareReplica.IN_SYNC, pass, copied.cursor(), syncStarted,
                        copied.bytesCopied(), millis, clock.instant());
                refreshed.filter(export -> replica.exportPath() == null).ifPresent(export ->
                        dao.setExportPath(replica.id(), export.locations().get(0).path(), clock.instant()));
            });
            engine.passRecorded(ends, pass, replica.syncCursor());
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

    private void delete(Share share, ShareReplica replica, Lease lease) {
        Optional<BackendRegistry.PoolEntry> pool = copies.pool(replica.host());
        if (pool.isPresent()) {
            try {
                ReplicaCopies.prune(share, pool.get(), Set.of());
                retry.run(() -> pool.get().driver().delete(new ShareRef(share.id(), pool.get().pool(), share.sizeGb())));
            } catch (DriverException e) {
                if (!replica.forceDelete()) {
                    LOG.error("share {}: deleting replica {} on {} failed: {}", share.id(), replica.id(),
                            replica.host(), e.getMessage());
                    copies.held(lease, "replica delete failed", handle -> handle.attach(ReplicaDao.class)
                            .setStatus(replica.id(), ShareReplica.ERROR, clock.instant()));
                    return;
                }
                LOG.error("share {}: replica {} force-deleted, but its data on {} could not be removed and stays"
                        + " there: {}", share.id(), replica.id(), replica.host(), e.getMessage());
            }
        }
        // the active's snapshots of its chain too, before the row goes: the share is idle again soon after that
        copies.pool(share.host()).ifPresent(active -> ReplicaCopies.prune(share, active, cursorsBesides(share, replica)));
        jdbi.useTransaction(handle -> {
            if (!lease.hold(handle, "deleting replica", 50)) {
                throw new Lease.LeaseLostException(lease.operation());
            }
            if (handle.attach(ReplicaDao.class).delete(replica.id()) == 1) {
                // quota rows before the pool's row, as a create request takes them (see QuotaService)
                quotas.releaseReplica(handle, share.projectId(), share.sizeGb());
                PlacementService.releaseReplica(handle, replica);
            }
        });
        LOG.info("share {}: replica {} on {} deleted", share.id(), replica.id(), replica.host());
    }

    /** The cursors the share's other secondaries sync from. */
    private Set<String> cursorsBesides(Share share, ShareReplica replica) {
        Set<String> cursors = new HashSet<>();
        copies.replicas(share.id()).stream().filter(other -> !other.isActive() && other.syncCursor() != null
                && !other.id().equals(replica.id())).forEach(other -> cursors.add(other.syncCursor()));
        return cursors;
    }

    /** A replica that could not be made: in error, for its owner to delete (unless a delete was asked meanwhile). */
    private void fail(ShareReplica replica, String reason, Lease lease) {
        LOG.error("share {}: replica {}: {}", replica.shareId(), replica.id(), reason);
        copies.held(lease, "replica failed", handle -> {
            ReplicaDao dao = handle.attach(ReplicaDao.class);
            dao.recordFailure(replica.id(), ShareReplica.ERROR, reason, clock.instant());
            dao.transition(replica.id(), ShareReplica.CREATING, ShareReplica.ERROR, clock.instant());
        });
    }

    /** A sync that failed: the replica is behind ({@code state}); one still being created is in error. */
    private void syncFailed(ShareReplica replica, String state, String reason, Lease lease) {
        if (ShareReplica.CREATING.equals(replica.status())) {
            fail(replica, "its first copy failed: " + reason, lease);
            return;
        }
        LOG.warn("share {}: replica {} is {}: {}", replica.shareId(), replica.id(), state, reason);
        copies.held(lease, "sync failed", handle -> handle.attach(ReplicaDao.class).recordFailure(replica.id(), state, reason,
                clock.instant()));
    }
}
