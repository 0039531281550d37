package org.manilaj.core.share;

import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.messages.MessageAction;
import org.manilaj.core.messages.MessageDetail;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.placement.PlacementService;
import java.util.List;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.replication.ReplicaDao;
import org.manilaj.core.replication.ShareReplica;
import org.manilaj.core.work.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of an extend or shrink, in one transaction with the end of its lease: the new size (or
 * none), what the share now holds on its pool and in its project's quota, and a user message when it
 * did not happen.
 */
final class ResizeRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(ResizeRecorder.class);

    private final Jdbi jdbi;
    private final PlacementService placement;
    private final UserMessages messages;
    private final QuotaService quotas;
    private final Clock clock;

    ResizeRecorder(Jdbi jdbi, PlacementService placement, UserMessages messages, QuotaService quotas, Clock clock) {
        this.jdbi = jdbi;
        this.placement = placement;
        this.messages = messages;
        this.quotas = quotas;
        this.clock = clock;
    }

    void done(Share share, Lease lease, int newSize) {
        record(share, lease, ShareStatus.AVAILABLE, newSize, null, null);
    }

    void refused(Share share, Lease lease, MessageAction action, MessageDetail detail) {
        record(share, lease, ShareStatus.AVAILABLE, null, action, detail);
    }

    void failed(Share share, Lease lease, ShareStatus to, MessageAction action) {
        failed(share, lease, to, action, MessageDetail.DRIVER_FAILED);
    }

    void failed(Share share, Lease lease, ShareStatus to, MessageAction action, MessageDetail detail) {
        record(share, lease, to, null, action, detail);
    }

    private void record(Share share, Lease lease, ShareStatus to, Integer newSize, MessageAction action, MessageDetail detail) {
        int size = newSize != null ? newSize : share.sizeGb();
        boolean recorded = jdbi.inTransaction(handle -> {
            if (!lease.hold(handle, "recording", 90)) {
                return false;
            }
            List<ShareReplica> replicas = handle.attach(ReplicaDao.class).forShare(share.id());
            if (handle.attach(ShareDao.class).finishResize(share.id(), share.status(), to.wireName(), newSize,
                    clock.instant()) == 1) {
                // extends took the new size from the quota when requested; shrinks give back once done
                int quotaHeld = share.shareStatus() == ShareStatus.EXTENDING ? share.pendingSizeGb() : share.sizeGb();
                quotas.release(handle, share.projectId(), 0, quotaHeld - size);
                quotas.releaseReplicaGigabytes(handle, share.projectId(), (long) replicas.size() * (quotaHeld - size));
                if (action != null) {
                    messages.recordForShare(handle, share.projectId(), share.id(), action, detail);
                }
            }
            // the pools' rows after the project's quota rows, as a create request takes them (see QuotaService)
            PlacementService.reduceReservation(handle, share.id(), size);
            for (ShareReplica replica : replicas) {
                PlacementService.reduceReplicaReservation(handle, replica, size); // the secondaries' own pools
            }
            if (action == null) {
                lease.finish(handle);
            } else {
                lease.finishFailed(handle); // refused (back to available) or failed: its event says so
            }
            return true;
        });
        if (!recorded) {
            LOG.warn("share {}: lost the lease before its resize was recorded", share.id());
        }
    }
}
