package org.manilaj.core.share;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.messages.MessageAction;
import org.manilaj.core.messages.MessageDetail;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.replication.ReplicaDao;
import org.manilaj.core.replication.ShareReplica;
import org.manilaj.core.work.Lease;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.ShareOperation;
import org.manilaj.core.work.TransientRetry;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShrinkWouldLoseDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code shrinking -> available | shrinking_error}: the driver shrinks the share, or refuses when the
 * data in use would not fit (the share keeps its size and its tenant gets a message); the freed
 * capacity goes back to the pool.
 */
public final class ShrinkShare implements ShareOperation {
    private static final Logger LOG = LoggerFactory.getLogger(ShrinkShare.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final ResizeRecorder recorder;
    private final TransientRetry retry;

    public ShrinkShare(Jdbi jdbi, BackendRegistry registry, PlacementService placement, UserMessages messages,
                       QuotaService quotas, TransientRetry retry, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.recorder = new ResizeRecorder(jdbi, placement, messages, quotas, clock);
        this.retry = retry;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.SHRINK;
    }

    @Override
    public void abandon(Share share, Lease lease) {
        recorder.failed(share, lease, ShareStatus.SHRINKING_ERROR, MessageAction.SHRINK);
    }

    @Override
    public void run(Share share, Lease lease) {
        Optional<BackendRegistry.PoolEntry> pool = registry.pool(share.host());
        if (pool.isEmpty()) {
            recorder.failed(share, lease, ShareStatus.SHRINKING_ERROR, MessageAction.SHRINK);
            return;
        }
        int target = share.pendingSizeGb();
        // the active first, then every secondary (its data is the active's as of its last sync); the pools of all
        // of them are known before anything shrinks
        List<BackendRegistry.PoolEntry> replicaPools = new ArrayList<>();
        for (ShareReplica replica : jdbi.withExtension(ReplicaDao.class, dao -> dao.forShare(share.id()))) {
            if (!replica.isActive() && replica.host() != null) {
                Optional<BackendRegistry.PoolEntry> replicaPool = registry.pool(replica.host());
                if (replicaPool.isEmpty()) {
                    LOG.error("share {}: replica {}'s pool {} is not configured any more", share.id(), replica.id(),
                            replica.host());
                    recorder.failed(share, lease, ShareStatus.SHRINKING_ERROR, MessageAction.SHRINK);
                    return;
                }
                replicaPools.add(replicaPool.get());
            }
        }
        List<BackendRegistry.PoolEntry> shrunk = new ArrayList<>();
        try {
            for (BackendRegistry.PoolEntry each : concat(pool.get(), replicaPools)) {
                ShareRef ref = new ShareRef(share.id(), each.pool(), share.sizeGb());
                retry.run(() -> each.driver().shrink(ref, target));
                shrunk.add(each);
            }
        } catch (ShrinkWouldLoseDataException e) {
            LOG.warn("share {}: shrink to {} GiB refused: {}", share.id(), target, e.getMessage());
            if (growBack(share, shrunk)) {
                recorder.refused(share, lease, MessageAction.SHRINK, MessageDetail.SHRINK_REFUSED);
            } else {
                recorder.failed(share, lease, ShareStatus.SHRINKING_ERROR, MessageAction.SHRINK);
            }
            return;
        } catch (DriverException | IllegalArgumentException e) {
            LOG.error("share {}: shrink to {} GiB failed: {}", share.id(), target, e.getMessage(), e);
            growBack(share, shrunk);
            recorder.failed(share, lease, ShareStatus.SHRINKING_ERROR, MessageAction.SHRINK);
            return;
        }
        recorder.done(share, lease, target);
        LOG.info("share {} shrunk from {} to {} GiB", share.id(), share.sizeGb(), target);
    }

    /**
     * A replica refused or failed after others had shrunk (a secondary behind the active may hold more): those
     * get their size back, so that every replica keeps the size the share keeps; false when one cannot.
     */
    private boolean growBack(Share share, List<BackendRegistry.PoolEntry> shrunk) {
        boolean all = true;
        for (BackendRegistry.PoolEntry each : shrunk) {
            try {
                ShareRef ref = new ShareRef(share.id(), each.pool(), share.sizeGb());
                retry.run(() -> each.driver().extend(ref, share.sizeGb()));
            } catch (DriverException | IllegalArgumentException e) {
                LOG.error("share {}: on {}, the size could not be put back to {} GiB: {}", share.id(), each.fullName(),
                        share.sizeGb(), e.getMessage());
                all = false;
            }
        }
        return all;
    }

    private static List<BackendRegistry.PoolEntry> concat(BackendRegistry.PoolEntry first, List<BackendRegistry.PoolEntry> rest) {
        List<BackendRegistry.PoolEntry> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }
}
