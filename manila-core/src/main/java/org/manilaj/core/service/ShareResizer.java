package org.manilaj.core.service;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.db.ShareDao;
import org.manilaj.core.model.MessageAction;
import org.manilaj.core.model.MessageDetail;
import org.manilaj.core.model.Share;
import org.manilaj.core.model.ShareStatus;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShrinkWouldLoseDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes extends and shrinks, under the share's work lease. Extend reserves the increase on the pool
 * first (it may be refused: the share then keeps its size and the tenant gets a message); shrink lets
 * the driver refuse when the data would not fit (same outcome), and gives the freed capacity back.
 */
final class ShareResizer {
    private static final Logger LOG = LoggerFactory.getLogger(ShareResizer.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PlacementService placement;
    private final ShareTypeService shareTypes;
    private final UserMessages messages;
    private final QuotaService quotas;
    private final Clock clock;
    private final String owner;

    ShareResizer(Jdbi jdbi, BackendRegistry registry, PlacementService placement, ShareTypeService shareTypes,
                 UserMessages messages, QuotaService quotas, Clock clock, String owner) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.placement = placement;
        this.shareTypes = shareTypes;
        this.messages = messages;
        this.quotas = quotas;
        this.clock = clock;
        this.owner = owner;
    }

    void extend(Share share) {
        Optional<BackendRegistry.PoolEntry> pool = registry.pool(share.host());
        if (pool.isEmpty()) {
            finish(share, ShareStatus.EXTENDING_ERROR, null, MessageAction.EXTEND, MessageDetail.DRIVER_FAILED);
            return;
        }
        int target = share.pendingSizeGb();
        Map<String, String> extraSpecs = shareTypes.extraSpecs(share.shareTypeId());
        if (!placement.reserveExtension(share, pool.get(), extraSpecs, target, owner)) {
            LOG.warn("share {}: pool {} cannot take {} GiB more; extend refused", share.id(), share.host(),
                    target - share.sizeGb());
            finish(share, ShareStatus.AVAILABLE, null, MessageAction.EXTEND, MessageDetail.NO_VALID_HOST);
            return;
        }
        try {
            pool.get().driver().extend(new ShareRef(share.id(), pool.get().pool(), share.sizeGb()), target);
        } catch (DriverException | IllegalArgumentException e) {
            LOG.error("share {}: extend to {} GiB failed: {}", share.id(), target, e.getMessage(), e);
            finish(share, ShareStatus.EXTENDING_ERROR, null, MessageAction.EXTEND, MessageDetail.DRIVER_FAILED);
            return;
        }
        finish(share, ShareStatus.AVAILABLE, target, null, null);
        LOG.info("share {} extended from {} to {} GiB", share.id(), share.sizeGb(), target);
    }

    void shrink(Share share) {
        Optional<BackendRegistry.PoolEntry> pool = registry.pool(share.host());
        if (pool.isEmpty()) {
            finish(share, ShareStatus.SHRINKING_ERROR, null, MessageAction.SHRINK, MessageDetail.DRIVER_FAILED);
            return;
        }
        int target = share.pendingSizeGb();
        try {
            pool.get().driver().shrink(new ShareRef(share.id(), pool.get().pool(), share.sizeGb()), target);
        } catch (ShrinkWouldLoseDataException e) {
            LOG.warn("share {}: shrink to {} GiB refused: {}", share.id(), target, e.getMessage());
            finish(share, ShareStatus.AVAILABLE, null, MessageAction.SHRINK, MessageDetail.SHRINK_REFUSED);
            return;
        } catch (DriverException | IllegalArgumentException e) {
            LOG.error("share {}: shrink to {} GiB failed: {}", share.id(), target, e.getMessage(), e);
            finish(share, ShareStatus.SHRINKING_ERROR, null, MessageAction.SHRINK, MessageDetail.DRIVER_FAILED);
            return;
        }
        finish(share, ShareStatus.AVAILABLE, target, null, null);
        LOG.info("share {} shrunk from {} to {} GiB", share.id(), share.sizeGb(), target);
    }

    /**
     * Records the outcome in one transaction: the new size (or none), what the share now holds on its
     * pool and in its project's quota (the new size; the old one when it did not change), and a user
     * message when it failed.
     */
    private void finish(Share share, ShareStatus to, Integer newSize, MessageAction action, MessageDetail detail) {
        int size = newSize != null ? newSize : share.sizeGb();
        jdbi.useTransaction(handle -> {
            placement.reduceReservation(handle, share.id(), size, owner);
            if (handle.attach(ShareDao.class).finishResize(share.id(), share.status(), to.wireName(), newSize, owner,
                    clock.instant()) == 1) {
                // extends took the new size from the quota when requested; shrinks give back once done
                int quotaHeld = share.shareStatus() == ShareStatus.EXTENDING ? share.pendingSizeGb() : share.sizeGb();
                quotas.release(handle, share.projectId(), 0, quotaHeld - size);
                if (action != null) {
                    messages.recordForShare(handle, share.projectId(), share.id(), action, detail);
                }
            }
        });
    }
}
