package org.manilaj.core.replication;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.manilaj.core.copy.CopyEngine;
import org.manilaj.core.copy.CopyEnds;
import org.manilaj.core.copy.SnapshotStreamEngine;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.share.ExportLocation;
import org.manilaj.core.share.ExportLocationDao;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.ShareStatus;
import org.manilaj.core.work.Lease;
import org.manilaj.core.work.OperationDao;
import org.manilaj.core.work.TransientRetry;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a secondary: when the active replica's host answers, its clients are cut to read-only and a last
 * pass copies what they wrote; when it does not, the target takes over from its last sync and the old active is
 * {@code out_of_sync} until a resync. Then the roles swap in one transaction, with the share's pool, zone,
 * reservation and export locations. Between btrfs pools the target's share becomes exactly its last snapshot
 * received (its readers mount it again), and the old active keeps syncing from that snapshot, which both sides
 * hold, so that its resync sends only what is written after. The demoted side gets the access a secondary
 * allows now (else at its next sync); the new active its read-write rules from the access sync the run ends with.
 */
final class PromoteReplica {
    private static final Logger LOG = LoggerFactory.getLogger(PromoteReplica.class);

    private final ReplicaCopies copies;
    private final TransientRetry retry;

    PromoteReplica(ReplicaCopies copies, TransientRetry retry) {
        this.copies = copies;
        this.retry = retry;
    }

    void promote(Share share, ShareReplica target, ReplicationType type, Lease lease) {
        ShareReplica oldActive = copies.replicas(share.id()).stream().filter(ShareReplica::isActive).findFirst()
                .orElseThrow();
        Optional<BackendRegistry.PoolEntry> activePool = copies.pool(share.host());
        Optional<BackendRegistry.PoolEntry> targetPool = copies.pool(target.host());
        if (targetPool.isEmpty()) {
            failed(share, target, "pool " + target.host() + " is not configured any more", lease);
            return;
        }
        Optional<CopyEngine> engine = activePool.flatMap(active -> copies.engine(share, active, targetPool.get()));
        boolean fromSnapshots = engine.map(copier -> SnapshotStreamEngine.NAME.equals(copier.name())).orElse(false);
        if (fromSnapshots && target.syncCursor() == null) {
            failed(share, target, "it has received no snapshot since its copy started over: nothing to take over from",
                    lease);
            return;
        }
        boolean oldActiveAnswered = activePool.isPresent() && cutToReadOnly(share, activePool.get(), target);
        String cursor = target.syncCursor();
        if (oldActiveAnswered) {
            // its host answers: the promotion waits for what its clients wrote, or does not happen
            try {
                CopyEngine copier = engine.orElseThrow(() -> new DriverException("no engine can copy to " + target.host()));
                cursor = copier.copy(ReplicaCopies.ends(target, share, activePool.get(), targetPool.get()),
                        target.syncPass() + 1, true, cursor, ReplicaCopies.QUIET).cursor();
            } catch (Lease.LeaseLostException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!copies.jdbi().withExtension(ReplicaDao.class, dao -> dao.forcePromote(target.id()))) {
                    failed(share, target, "the last copy from the active replica, whose host answers, failed (an admin"
                            + " can force the promotion from the last sync): " + e.getMessage(), lease);
                    return;
                }
                LOG.warn("share {}: the last copy from the active replica on {} failed ({}); forced: replica {} takes over"
                        + " from its last sync at {}", share.id(), share.host(), e.getMessage(), target.id(),
                        target.lastSyncAt());
                oldActiveAnswered = false; // what it holds since its last sync is not on the target
                cursor = target.syncCursor();
            }
        }
        ShareExport export;
        try {
            String snapshot = cursor;
            export = fromSnapshots
                    // exactly the last snapshot received, sharing its blocks: what the old active syncs back from
                    ? retry.get(() -> targetPool.get().driver().snapshots().orElseThrow()
                            .replace(ReplicaCopies.ref(share, targetPool.get()), snapshot))
                    : retry.get(() -> targetPool.get().driver().create(new ShareSpec(share.id(), targetPool.get().pool(),
                            share.sizeGb(), share.shareProto(), Map.of())));
        } catch (DriverException | IllegalArgumentException e) {
            failed(share, target, "promotion failed: " + e.getMessage(), lease);
            return;
        }
        swapRoles(share, target, oldActive, export, oldActiveAnswered, fromSnapshots ? cursor : null, lease);
        LOG.info("share {}: replica {} on {} promoted; the replica on {} is now {}", share.id(), target.id(),
                target.host(), share.host(), oldActiveAnswered ? ShareReplica.IN_SYNC : ShareReplica.OUT_OF_SYNC);
        Share promoted = copies.jdbi().withExtension(ShareReadDao.class, shares -> shares.find(share.id())).orElseThrow();
        if (oldActiveAnswered) {
            try {
                copies.applyAccess(promoted, activePool.get(), type);
            } catch (RuntimeException e) {
                LOG.warn("share {}: access of the demoted replica on {} is set at its next sync: {}", share.id(),
                        share.host(), e.getMessage());
            }
        }
        copies.pruneAll(promoted, lease);
    }

    /** The active replica's clients cut to read-only; false when its host does not answer (its site is lost). */
    private boolean cutToReadOnly(Share share, BackendRegistry.PoolEntry activePool, ShareReplica target) {
        try {
            activePool.driver().applyAccess(ReplicaCopies.ref(share, activePool), copies.grants(share, true));
            return true;
        } catch (RuntimeException e) {
            LOG.warn("share {}: active replica on {} did not answer ({}); replica {} takes over from its last sync at {}",
                    share.id(), share.host(), e.getMessage(), target.id(), target.lastSyncAt());
            return false;
        }
    }

    /**
     * One transaction: the old active a secondary (in sync as of now when it answered the final pass), syncing on
     * from {@code commonSnapshot} when there is one; the target active, with the share's place and exports.
     */
    private void swapRoles(Share share, ShareReplica target, ShareReplica oldActive, ShareExport export,
                           boolean oldActiveAnswered, String commonSnapshot, Lease lease) {
        Instant now = copies.clock().instant();
        String oldExport = copies.jdbi().withExtension(ShareReadDao.class, dao -> dao.exportsOf(share.id())).stream()
                .findFirst().map(ExportLocation::path).orElse(null);
        copies.jdbi().useTransaction(handle -> {
            if (!lease.hold(handle, "promoting", 70)) {
                throw new Lease.LeaseLostException(lease.operation());
            }
            ReplicaDao dao = handle.attach(ReplicaDao.class);
            dao.assignRole(oldActive.id(), share.host(), share.availabilityZone(), share.reservedGb(),
                    oldActiveAnswered ? ShareReplica.IN_SYNC : ShareReplica.OUT_OF_SYNC, oldExport,
                    commonSnapshot == null ? 0 : 1, commonSnapshot, oldActiveAnswered ? now : null, now);
            dao.assignRole(target.id(), null, null, 0, ShareReplica.ACTIVE, null, 0, null, null, now);
            if (handle.attach(ShareDao.class).takeOverFromReplica(share.id(), target.host(), target.availabilityZone(),
                    target.reservedGb(), now) == 0) {
                handle.rollback(); // the share left replication_change meanwhile (an admin's reset): no swap
                throw new Lease.LeaseLostException(lease.operation());
            }
            dao.restartSyncs(share.id(), oldActive.id(), target.id(), now); // the others copied from the old active
            ExportLocationDao exports = handle.attach(ExportLocationDao.class);
            exports.deleteForShare(share.id());
            exports.insert(ExportLocation.of(share.id(), export, now));
            // the new active gets the share's rules read-write from the access sync this run hands over to: a
            // crash from here on cannot lose that step
            handle.attach(ShareDao.class).startAccessSync(share.id(), now);
            handle.attach(OperationDao.class).requeueAccessSync(share.id(), now);
        });
    }

    /** The promotion did not happen: the replica as it was, the share available with its rules applied afresh. */
    private void failed(Share share, ShareReplica target, String reason, Lease lease) {
        LOG.error("share {}: replica {} on {} cannot be promoted: {}", share.id(), target.id(), target.host(), reason);
        copies.held(lease, "promotion failed", handle -> {
            Instant now = copies.clock().instant();
            ReplicaDao dao = handle.attach(ReplicaDao.class);
            dao.recordFailure(target.id(), target.replicaState(), reason, now);
            dao.endPromotion(target.id(), now);
            restoreActive(handle, share.id(), now);
        });
    }

    /** In a held transaction: the share available again, its rules to be applied afresh by an access sync. */
    static void restoreActive(Handle handle, String shareId, Instant now) {
        ShareDao shares = handle.attach(ShareDao.class);
        shares.finish(shareId, ShareStatus.REPLICATION_CHANGE.wireName(), ShareStatus.AVAILABLE.wireName(), now);
        shares.startAccessSync(shareId, now);
        handle.attach(OperationDao.class).requeueAccessSync(shareId, now);
    }
}
