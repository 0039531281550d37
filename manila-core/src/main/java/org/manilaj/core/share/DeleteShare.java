package org.manilaj.core.share;

import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.events.ShareEvents;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code deleting -> (gone) | error_deleting}: remove the share from its backend (a share that was
 * never placed has nothing there), then drop its row and give back its capacity and quota in one
 * transaction. Deleting a missing share succeeds, so a retry after a crash is harmless.
 */
public final class DeleteShare implements ShareOperation {
    private final Clock clock;
    private static final Logger LOG = LoggerFactory.getLogger(DeleteShare.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PlacementService placement;
    private final QuotaService quotas;
    private final ShareOutcomes outcomes;
    private final TransientRetry retry;

    public DeleteShare(Jdbi jdbi, BackendRegistry registry, PlacementService placement, QuotaService quotas,
                       UserMessages messages, TransientRetry retry, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.placement = placement;
        this.quotas = quotas;
        this.outcomes = new ShareOutcomes(jdbi, placement, messages, clock);
        this.clock = clock;
        this.retry = retry;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.DELETE;
    }

    @Override
    public void abandon(Share share, Lease lease) {
        outcomes.fail(share, lease, ShareStatus.ERROR_DELETING, MessageAction.DELETE, MessageDetail.DRIVER_FAILED);
    }

    @Override
    public void run(Share share, Lease lease) {
        if (share.host() != null) {
            Optional<BackendRegistry.PoolEntry> pool = registry.pool(share.host());
            if (pool.isEmpty()) {
                LOG.error("share {}: pool {} is not configured any more; cannot delete its data", share.id(), share.host());
                outcomes.fail(share, lease, ShareStatus.ERROR_DELETING, MessageAction.DELETE, MessageDetail.DRIVER_FAILED);
                return;
            }
            try {
                ShareRef ref = new ShareRef(share.id(), pool.get().pool(), share.sizeGb());
                retry.run(() -> pool.get().driver().delete(ref));
                lease.lap("driver");
            } catch (DriverException | IllegalArgumentException e) {
                lease.lap("driver");
                LOG.error("share {}: delete on {} failed: {}", share.id(), share.host(), e.getMessage(), e);
                outcomes.fail(share, lease, ShareStatus.ERROR_DELETING, MessageAction.DELETE, MessageDetail.DRIVER_FAILED);
                return;
            }
        }
        boolean deleted = jdbi.inTransaction(handle -> {
            if (!lease.hold(handle, "recording", 90)) {
                return false;
            }
            // the project's quota rows before the pool's row, as a create request takes them (see QuotaService)
            quotas.release(handle, share.projectId(), 1, share.sizeGb());
            for (ShareReplica replica : handle.attach(ReplicaDao.class).forShare(share.id())) {
                quotas.releaseReplica(handle, share.projectId(), share.sizeGb()); // the rows go with the share
            }
            placement.release(handle, share.id());
            if (handle.attach(ShareDao.class).deleteFinished(share.id()) == 0) {
                handle.rollback();
                return false;
            }
            // the operation row goes with the share (foreign key, on delete cascade): the delete's event is written here
            ShareEvents.deleted(handle, share.id(), share.projectId(), share.sizeGb(), clock.instant());
            return true;
        });
        lease.lap("record");
        if (deleted) {
            LOG.info("share {} deleted", share.id());
        } else {
            LOG.warn("share {}: lost its lease before its deletion was recorded", share.id());
        }
    }
}
