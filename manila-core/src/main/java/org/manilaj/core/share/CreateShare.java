package org.manilaj.core.share;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.hooks.PreHooks;
import org.manilaj.core.messages.MessageAction;
import org.manilaj.core.messages.MessageDetail;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.Lease;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.ShareOperation;
import org.manilaj.core.work.TransientRetry;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;
import org.manilaj.driver.TimedOutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code creating -> available | error}: place (reserve capacity on a pool and record it on the
 * share) unless the request did so already, provision on the backend, record the export locations. A
 * placement recorded before a crash is kept; provisioning again is harmless (drivers create idempotently).
 */
public final class CreateShare implements ShareOperation {
    private static final Logger LOG = LoggerFactory.getLogger(CreateShare.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PlacementService placement;
    private final ShareTypeService shareTypes;
    private final ShareOutcomes outcomes;
    private final TransientRetry retry;
    private final PreHooks preHooks;
    private final Clock clock;

    public CreateShare(Jdbi jdbi, BackendRegistry registry, PlacementService placement, ShareTypeService shareTypes,
                       UserMessages messages, PreHooks preHooks, TransientRetry retry, Clock clock) {
        this.preHooks = preHooks;
        this.jdbi = jdbi;
        this.registry = registry;
        this.placement = placement;
        this.shareTypes = shareTypes;
        this.outcomes = new ShareOutcomes(jdbi, placement, messages, clock);
        this.retry = retry;
        this.clock = clock;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.CREATE;
    }

    @Override
    public void run(Share share, Lease lease) {
        Map<String, String> extraSpecs = shareTypes.extraSpecs(share.shareTypeId());
        String host = share.host();
        if (host == null) {
            // asked before anything is reserved; asked again if a crash cuts this run short before placement
            PreHooks.Verdict verdict = preHooks.ask("share.create", share.id(), share.projectId(), request(share));
            if (!verdict.allowed()) {
                outcomes.fail(share, lease, ShareStatus.ERROR, MessageAction.CREATE, MessageDetail.HOOK_REFUSED,
                        verdict.reason());
                return;
            }
            Optional<BackendRegistry.PoolEntry> chosen = placement.placeShare(share, extraSpecs, lease);
            if (chosen.isEmpty()) {
                LOG.warn("share {} ({} GiB): no pool can take it", share.id(), share.sizeGb());
                outcomes.fail(share, lease, ShareStatus.ERROR, MessageAction.ALLOCATE_HOST, MessageDetail.NO_VALID_HOST);
                return;
            }
            host = chosen.get().fullName();
            LOG.info("share {} ({} GiB) placed on {}", share.id(), share.sizeGb(), host);
        }
        lease.lap("placement");
        Optional<BackendRegistry.PoolEntry> pool = registry.pool(host);
        if (pool.isEmpty()) {
            LOG.error("share {}: pool {} is not configured any more", share.id(), host);
            outcomes.fail(share, lease, ShareStatus.ERROR, MessageAction.CREATE, MessageDetail.DRIVER_FAILED);
            return;
        }
        ShareExport export;
        ShareRef ref = new ShareRef(share.id(), pool.get().pool(), share.sizeGb());
        try {
            String rootMode = RootMode.of(jdbi.withExtension(ShareReadDao.class, shares -> shares.metadataOf(share.id()))
                    .stream().collect(Collectors.toMap(MetadataItem::metaKey, MetadataItem::metaValue)));
            ShareSpec spec = new ShareSpec(share.id(), pool.get().pool(), share.sizeGb(), share.shareProto(), extraSpecs,
                    rootMode);
            export = retry.get(() -> pool.get().driver().create(spec));
            lease.lap("driver");
        } catch (DriverException | IllegalArgumentException e) {
            lease.lap("driver");
            LOG.error("share {}: create on {} failed: {}", share.id(), host, e.getMessage(), e);
            MessageDetail why = e instanceof DriverException failure ? MessageDetail.of(failure) : MessageDetail.DRIVER_FAILED;
            // recorded first: only the node that still holds the lease may remove anything (another may have made it
            // available meanwhile); a command whose end is unknown may still be making it, so that is left too
            if (outcomes.fail(share, lease, ShareStatus.ERROR, MessageAction.CREATE, why) && e instanceof DriverException failure
                    && !(failure instanceof TimedOutException timedOut && !timedOut.stopped())) {
                removeWhatWasMade(pool.get(), ref);
            }
            return;
        }
        recordAvailable(share, lease, export);
    }

    /**
     * A create that failed part-way (a step after the subvolume was made hung or failed) leaves no half-made share
     * behind: the id is this share's alone and the share is in error now, never having been available, so whatever
     * exists under it was made by this create. Tried once; what a host that is down keeps, the audit finds as an
     * orphan (and a delete of the share in error removes it).
     */
    private static void removeWhatWasMade(BackendRegistry.PoolEntry pool, ShareRef ref) {
        try {
            pool.driver().delete(ref);
        } catch (DriverException | IllegalArgumentException e) {
            LOG.warn("share {}: could not remove what its failed create left on {}: {}", ref.shareId(), pool.fullName(),
                    e.getMessage());
        }
    }

    /** What a pre-hook is told of a create. */
    private static Map<String, Object> request(Share share) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", share.name());
        data.put("size", share.sizeGb());
        data.put("share_proto", share.shareProto());
        data.put("share_type_id", share.shareTypeId());
        data.put("availability_zone", share.availabilityZone());
        data.put("user_id", share.userId());
        return data;
    }

    @Override
    public void abandon(Share share, Lease lease) {
        outcomes.fail(share, lease, ShareStatus.ERROR, MessageAction.CREATE, MessageDetail.DRIVER_FAILED);
    }

    private void recordAvailable(Share share, Lease lease, ShareExport export) {
        Instant now = clock.instant();
        List<ExportLocation> locations = ExportLocation.of(share.id(), export, now);
        boolean recorded = jdbi.inTransaction(handle -> {
            if (!lease.hold(handle, "recording", 90) || handle.attach(ShareDao.class).finish(share.id(),
                    ShareStatus.CREATING.wireName(), ShareStatus.AVAILABLE.wireName(), now) == 0) {
                handle.rollback();
                return false;
            }
            ExportLocationDao exports = handle.attach(ExportLocationDao.class);
            exports.deleteForShare(share.id());
            exports.insert(locations);
            lease.finish(handle);
            return true;
        });
        lease.lap("record");
        if (recorded) {
            LOG.info("share {} is available at {}", share.id(), locations.get(0).path());
        } else {
            LOG.warn("share {}: lost its lease before its creation was recorded", share.id());
        }
    }
}
