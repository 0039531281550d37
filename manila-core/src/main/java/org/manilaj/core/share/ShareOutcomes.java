package org.manilaj.core.share;

import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.messages.MessageAction;
import org.manilaj.core.messages.MessageDetail;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.work.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The failed end of a share operation, recorded in one transaction with the end of its lease. */
final class ShareOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(ShareOutcomes.class);

    private final Jdbi jdbi;
    private final PlacementService placement;
    private final UserMessages messages;
    private final Clock clock;

    ShareOutcomes(Jdbi jdbi, PlacementService placement, UserMessages messages, Clock clock) {
        this.jdbi = jdbi;
        this.placement = placement;
        this.clock = clock;
        this.messages = messages;
    }

    /**
     * Moves the share to {@code to} with a user message; a failed create gives its reservation back. False when the
     * lease was lost first (another node runs the operation now, and records its outcome).
     */
    boolean fail(Share share, Lease lease, ShareStatus to, MessageAction action, MessageDetail detail) {
        return fail(share, lease, to, action, detail, null);
    }

    /** As above, with a pre-hook's short reason in the message. */
    boolean fail(Share share, Lease lease, ShareStatus to, MessageAction action, MessageDetail detail, String reason) {
        boolean recorded = jdbi.inTransaction(handle -> {
            if (!lease.hold(handle, "failed", 100)) {
                return false;
            }
            if (handle.attach(ShareDao.class).finish(share.id(), share.status(), to.wireName(), clock.instant()) == 1) {
                if (to == ShareStatus.ERROR) {
                    placement.release(handle, share.id());
                }
                messages.recordForShare(handle, share.projectId(), share.id(), action, detail, reason);
            }
            lease.finishFailed(handle);
            return true;
        });
        if (!recorded) {
            LOG.warn("share {}: lost the lease before its failure was recorded", share.id());
        }
        return recorded;
    }
}
