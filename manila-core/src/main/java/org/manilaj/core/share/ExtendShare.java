package org.manilaj.core.share;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.messages.MessageAction;
import org.manilaj.core.messages.MessageDetail;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import java.util.List;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.replication.ReplicaDao;
import org.manilaj.core.replication.ShareReplica;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.Lease;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.ShareOperation;
import org.manilaj.core.work.TransientRetry;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.NoSpaceException;
import org.manilaj.driver.ShareRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code extending -> available | extending_error}: reserve the increase on the share's pool (which
 * may refuse: the share then keeps its size and its tenant gets a message), grow it on the backend,
 * record the new size.
 */
public final class ExtendShare implements ShareOperation {
    private static final Logger LOG = LoggerFactory.getLogger(ExtendShare.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PlacementService placement;
    private final ShareTypeService shareTypes;
    private final ResizeRecorder recorder;
    private final TransientRetry retry;

    public ExtendShare(Jdbi jdbi, BackendRegistry registry, PlacementService placement, ShareTypeService shareTypes,
                       UserMessages messages, QuotaService quotas, TransientRetry retry, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.placement = placement;
        this.shareTypes = shareTypes;
        this.recorder = new ResizeRecorder(jdbi, placement, messages, quotas, clock);
        this.retry = retry;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.EXTEND;
    }

    @Override
    public void abandon(Share share, Lease lease) {
        recorder.failed(share, lease, ShareStatus.EXTENDING_ERROR, MessageAction.EXTEND);
    }

    @Override
    public void run(Share share, Lease lease) {
        Optional<BackendRegistry.PoolEntry> pool = registry.pool(share.host());
        if (pool.isEmpty()) {
            recorder.failed(share, lease, ShareStatus.EXTENDING_ERROR, MessageAction.EXTEND);
            return;
        }
        int target = share.pendingSizeGb();
        Map<String, String> extraSpecs = shareTypes.extraSpecs(share.shareTypeId());
        if (!placement.reserveExtension(share, pool.get(), extraSpecs, target, lease)) {
            LOG.warn("share {}: pool {} cannot take {} GiB more; extend refused", share.id(), share.host(),
                    target - share.sizeGb());
            recorder.refused(share, lease, MessageAction.EXTEND, MessageDetail.NO_VALID_HOST);
            return;
        }
        List<ShareReplica> secondaries = jdbi.withExtension(ReplicaDao.class, dao -> dao.forShare(share.id())).stream()
                .filter(replica -> !replica.isActive() && replica.host() != null).toList();
        for (ShareReplica replica : secondaries) {
            Optional<BackendRegistry.PoolEntry> replicaPool = registry.pool(replica.host());
            if (replicaPool.isEmpty() || !placement.reserveReplicaExtension(replica, replicaPool.get(), extraSpecs, target,
                    lease)) {
                LOG.warn("share {}: the pool of replica {} ({}) cannot take {} GiB more; extend refused", share.id(),
                        replica.id(), replica.host(), target - share.sizeGb());
                recorder.refused(share, lease, MessageAction.EXTEND, MessageDetail.NO_VALID_HOST);
                return;
            }
        }
        boolean primary = true; // a refusal for want of space there changed nothing; on a replica it comes after
        try {
            ShareRef ref = new ShareRef(share.id(), pool.get().pool(), share.sizeGb());
            retry.run(() -> pool.get().driver().extend(ref, target));
            primary = false;
            for (ShareReplica replica : secondaries) { // every replica takes the new size, as in Manila
                BackendRegistry.PoolEntry replicaPool = registry.pool(replica.host()).orElseThrow();
                ShareRef replicaRef = new ShareRef(share.id(), replicaPool.pool(), share.sizeGb());
                retry.run(() -> replicaPool.driver().extend(replicaRef, target));
            }
        } catch (DriverException | IllegalArgumentException e) {
            if (primary && e instanceof NoSpaceException) {
                LOG.warn("share {}: extend to {} GiB refused: {}", share.id(), target, e.getMessage());
                recorder.refused(share, lease, MessageAction.EXTEND, MessageDetail.NO_SPACE);
                return;
            }
            LOG.error("share {}: extend to {} GiB failed: {}", share.id(), target, e.getMessage(), e);
            recorder.failed(share, lease, ShareStatus.EXTENDING_ERROR, MessageAction.EXTEND,
                    e instanceof DriverException failure ? MessageDetail.of(failure) : MessageDetail.DRIVER_FAILED);
            return;
        }
        recorder.done(share, lease, target);
        LOG.info("share {} extended from {} to {} GiB", share.id(), share.sizeGb(), target);
    }
}
