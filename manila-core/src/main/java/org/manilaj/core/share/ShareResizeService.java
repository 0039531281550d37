package org.manilaj.core.share;

import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.replication.ReplicaDao;
import org.manilaj.core.replication.ShareReplica;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.OperationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tenants' extend and shrink requests: validated, recorded as a transition, finished by the worker. */
public final class ShareResizeService {
    private static final Logger LOG = LoggerFactory.getLogger(ShareResizeService.class);

    private final Jdbi jdbi;
    private final OperationRunner runner;
    private final QuotaService quotas;
    private final Clock clock;

    public ShareResizeService(Jdbi jdbi, OperationRunner runner, QuotaService quotas, Clock clock) {
        this.jdbi = jdbi;
        this.runner = runner;
        this.quotas = quotas;
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
        quotas.prepare(share.projectId());
        jdbi.useTransaction(handle -> {
            // a replicated share resizes every replica; each counts its size in replica_gigabytes
            List<ShareReplica> replicas = handle.attach(ReplicaDao.class).forShare(share.id());
            replicas.stream().filter(replica -> !replica.isActive() && !ShareReplica.AVAILABLE.equals(replica.status()))
                    .findFirst().ifPresent(replica -> {
                        throw ManilaException.badRequest("Replica " + replica.id() + " of share " + share.id() + " is "
                                + replica.status() + ": every replica must be available for a resize.");
                    });
            if (handle.attach(ShareDao.class).transition(share.id(), from, to.wireName(), newSize, clock.instant()) == 0) {
                throw ManilaException.badRequest("Invalid share: share status must be 'available', not '"
                        + handle.attach(ShareReadDao.class).find(share.id()).map(Share::status).orElse("deleted") + "'.");
            }
            // refused (409) while another operation, such as an access sync, is pending
            runner.start(handle, share.id(), to == ShareStatus.EXTENDING ? OperationKind.EXTEND : OperationKind.SHRINK);
            if (to == ShareStatus.EXTENDING) {
                quotas.reserveGigabytes(handle, share.projectId(), share.sizeGb(), newSize);
                if (!replicas.isEmpty()) {
                    quotas.reserveReplicaGigabytes(handle, share.projectId(), (long) replicas.size() * (newSize - share.sizeGb()));
                }
            }
        });
        LOG.info("share {}: {} from {} to {} GiB requested", share.id(), to.wireName(), share.sizeGb(), newSize);
        runner.submit(share.id());
    }

    private Share find(RequestContext context, String shareId) {
        return jdbi.withExtension(ShareReadDao.class, shares -> ShareService.visible(shares, context, shareId));
    }
}
