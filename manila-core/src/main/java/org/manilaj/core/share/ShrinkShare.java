package org.manilaj.core.share;

import java.time.Clock;
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
        try {
            ShareRef ref = new ShareRef(share.id(), pool.get().pool(), share.sizeGb());
            retry.run(() -> pool.get().driver().shrink(ref, target));
            // then every secondary, whose data is the active's as of its last sync
            for (ShareReplica replica : jdbi.withExtension(ReplicaDao.class, dao -> dao.forShare(share.id()))) {
                if (replica.isActive() || replica.host() == null) {
                    continue;
                }
                BackendRegistry.PoolEntry replicaPool = registry.pool(replica.host())
                        .orElseThrow(() -> new DriverException("pool " + replica.host() + " is not configured any more"));
                ShareRef replicaRef = new ShareRef(share.id(), replicaPool.pool(), share.sizeGb());
                retry.run(() -> replicaPool.driver().shrink(replicaRef, target));
            }
        } catch (ShrinkWouldLoseDataException e) {
            LOG.warn("share {}: shrink to {} GiB refused: {}", share.id(), target, e.getMessage());
            recorder.refused(share, lease, MessageAction.SHRINK, MessageDetail.SHRINK_REFUSED);
            return;
        } catch (DriverException | IllegalArgumentException e) {
            LOG.error("share {}: shrink to {} GiB failed: {}", share.id(), target, e.getMessage(), e);
            recorder.failed(share, lease, ShareStatus.SHRINKING_ERROR, MessageAction.SHRINK);
            return;
        }
        recorder.done(share, lease, target);
        LOG.info("share {} shrunk from {} to {} GiB", share.id(), share.sizeGb(), target);
    }
}
