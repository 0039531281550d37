package org.manilaj.core.service;

import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.db.ShareDao;
import org.manilaj.core.model.Share;
import org.manilaj.core.model.ShareStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tenants' extend and shrink requests: validated, recorded as a transition, finished by the worker. */
public final class ShareResizeService {
    private static final Logger LOG = LoggerFactory.getLogger(ShareResizeService.class);

    private final Jdbi jdbi;
    private final ShareWorker worker;
    private final Clock clock;

    public ShareResizeService(Jdbi jdbi, ShareWorker worker, Clock clock) {
        this.jdbi = jdbi;
        this.worker = worker;
        this.clock = clock;
    }

    public void extend(RequestContext context, String shareId, Integer newSize) {
        Share share = find(context, shareId);
        if (newSize == null || newSize <= share.sizeGb()) {
            throw ManilaException.badRequest("Invalid input received: New size for extend must be greater than current size."
                    + " (current: " + share.sizeGb() + ", extended: " + newSize + ").");
        }
        resize(share, ShareStatus.EXTENDING, newSize, List.of(ShareStatus.AVAILABLE.wireName()));
    }

    public void shrink(RequestContext context, String shareId, Integer newSize) {
        Share share = find(context, shareId);
        if (newSize == null || newSize <= 0 || newSize >= share.sizeGb()) {
            throw ManilaException.badRequest("Invalid input received: New size for shrink must be less than current size and"
                    + " greater than 0 (current: " + share.sizeGb() + ", new: " + newSize + ").");
        }
        resize(share, ShareStatus.SHRINKING, newSize, List.of(ShareStatus.AVAILABLE.wireName(),
                ShareStatus.SHRINKING_POSSIBLE_DATA_LOSS_ERROR.wireName()));
    }

    private void resize(Share share, ShareStatus to, int newSize, List<String> from) {
        if (!from.contains(share.status())) {
            throw ManilaException.badRequest("Invalid share: share status must be 'available', not '" + share.status() + "'.");
        }
        int changed = jdbi.withExtension(ShareDao.class, shares -> shares.transition(share.id(), from, to.wireName(), newSize,
                worker.nodeName(), worker.leaseUntil(), clock.instant()));
        if (changed == 0) {
            throw ManilaException.conflict("Share " + share.id() + " is busy with another operation; try again.");
        }
        LOG.info("share {}: {} from {} to {} GiB requested", share.id(), to.wireName(), share.sizeGb(), newSize);
        worker.submit(share.id());
    }

    private Share find(RequestContext context, String shareId) {
        return jdbi.withExtension(ShareDao.class, shares -> shares.findInProject(shareId, context.projectId()))
                .orElseThrow(() -> ManilaException.notFound("Share " + shareId + " could not be found."));
    }
}
