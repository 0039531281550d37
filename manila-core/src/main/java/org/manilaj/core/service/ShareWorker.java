package org.manilaj.core.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.config.WorkSettings;
import org.manilaj.core.db.ExportLocationDao;
import org.manilaj.core.db.ShareDao;
import org.manilaj.core.db.ShareReadDao;
import org.manilaj.core.model.ExportLocation;
import org.manilaj.core.model.MessageAction;
import org.manilaj.core.model.MessageDetail;
import org.manilaj.core.model.Share;
import org.manilaj.core.model.ShareStatus;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ExportPath;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes the pending operation of a share (create or delete) on a bounded pool of threads.
 *
 * <p>Each run is a straight line: take the share's work lease in the database, call the driver
 * outside any transaction, record the outcome in one transaction. Because driver calls are
 * idempotent and the share row says what is pending, a run cut short by a crash is simply run again
 * by the {@link Reconciler}.
 */
public final class ShareWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShareWorker.class);
    private static final int QUEUE_CAPACITY = 10_000;

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PlacementService placement;
    private final ShareTypeService shareTypes;
    private final UserMessages messages;
    private final QuotaService quotas;
    private final WorkSettings settings;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ShareResizer resizer;
    private final AccessSynchronizer access;

    public ShareWorker(Jdbi jdbi, BackendRegistry registry, PlacementService placement, ShareTypeService shareTypes,
                       UserMessages messages, QuotaService quotas, WorkSettings settings, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.placement = placement;
        this.shareTypes = shareTypes;
        this.messages = messages;
        this.quotas = quotas;
        this.settings = settings;
        this.clock = clock;
        this.resizer = new ShareResizer(jdbi, registry, placement, shareTypes, messages, quotas, clock, settings.nodeName());
        this.access = new AccessSynchronizer(jdbi, registry, clock, settings.nodeName());
        AtomicInteger threadNumber = new AtomicInteger();
        // A full queue drops the submission: the share stays pending in the database and the
        // reconciler submits it again, so nothing is lost.
        this.executor = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE_CAPACITY), runnable -> {
                    Thread thread = new Thread(runnable, "share-worker-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.DiscardPolicy());
    }

    public String nodeName() {
        return settings.nodeName();
    }

    public Instant leaseUntil() {
        return clock.instant().plus(settings.lease());
    }

    /** Runs the share's pending operation soon, unless this process is already running it. */
    public void submit(String shareId) {
        if (inFlight.add(shareId)) {
            try {
                executor.execute(() -> runAndRelease(shareId));
            } catch (RuntimeException e) {
                inFlight.remove(shareId);
                throw e;
            }
        }
    }

    public boolean isInFlight(String shareId) {
        return inFlight.contains(shareId);
    }

    private void runAndRelease(String shareId) {
        try {
            // Access changes queued while a sync ran leave the share syncing: run again until settled.
            for (int round = 0; round < 10 && process(shareId); round++) {
                LOG.debug("share {}: more work queued meanwhile", shareId);
            }
        } catch (RuntimeException e) {
            // Left pending with our lease: the reconciler runs it again.
            LOG.error("share {}: pending operation failed unexpectedly; it will be retried", shareId, e);
        } finally {
            inFlight.remove(shareId);
        }
    }

    /**
     * Runs the share's pending operation, if any and if this process gets its lease.
     *
     * @return whether the share has more work waiting (access rules queued during a sync)
     */
    boolean process(String shareId) {
        Optional<Share> found = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(shareId));
        if (found.isEmpty()) {
            return false;
        }
        Share share = found.get();
        Consumer<Share> operation = switch (share.shareStatus()) {
            case CREATING -> this::create;
            case DELETING -> this::delete;
            case EXTENDING -> resizer::extend;
            case SHRINKING -> resizer::shrink;
            case AVAILABLE -> "syncing".equals(share.accessRulesStatus()) ? access::sync : null;
            default -> null;
        };
        if (operation == null || !claim(share)) {
            return false;
        }
        operation.accept(share);
        if (share.shareStatus() != ShareStatus.AVAILABLE) {
            return false;
        }
        return jdbi.withExtension(ShareReadDao.class, shares -> shares.find(shareId))
                .map(after -> after.shareStatus() == ShareStatus.AVAILABLE && "syncing".equals(after.accessRulesStatus()))
                .orElse(false);
    }

    private boolean claim(Share share) {
        Instant now = clock.instant();
        boolean claimed = jdbi.withExtension(ShareDao.class,
                shares -> shares.claim(share.id(), share.status(), nodeName(), now.plus(settings.lease()), now)) == 1;
        if (!claimed) {
            LOG.debug("share {}: another process holds the work lease", share.id());
        }
        return claimed;
    }

    private void create(Share share) {
        Map<String, String> extraSpecs = shareTypes.extraSpecs(share.shareTypeId());
        String host = share.host();
        if (host == null) {
            Optional<BackendRegistry.PoolEntry> chosen = placement.placeShare(share, extraSpecs, nodeName());
            if (chosen.isEmpty()) {
                LOG.warn("share {} ({} GiB): no pool can take it", share.id(), share.sizeGb());
                fail(share, ShareStatus.ERROR, MessageAction.ALLOCATE_HOST, MessageDetail.NO_VALID_HOST);
                return;
            }
            host = chosen.get().fullName();
            LOG.info("share {} ({} GiB) placed on {}", share.id(), share.sizeGb(), host);
        }
        Optional<BackendRegistry.PoolEntry> pool = registry.pool(host);
        if (pool.isEmpty()) {
            LOG.error("share {}: pool {} is not configured any more", share.id(), host);
            fail(share, ShareStatus.ERROR, MessageAction.CREATE, MessageDetail.DRIVER_FAILED);
            return;
        }
        ShareExport export;
        try {
            export = pool.get().driver().create(new ShareSpec(share.id(), pool.get().pool(), share.sizeGb(),
                    share.shareProto(), extraSpecs));
        } catch (DriverException | IllegalArgumentException e) {
            LOG.error("share {}: create on {} failed: {}", share.id(), host, e.getMessage(), e);
            fail(share, ShareStatus.ERROR, MessageAction.CREATE, MessageDetail.DRIVER_FAILED);
            return;
        }
        recordAvailable(share, export);
    }

    private void recordAvailable(Share share, ShareExport export) {
        Instant now = clock.instant();
        List<ExportLocation> locations = export.locations().stream()
                .map(path -> toLocation(share.id(), path, now))
                .toList();
        boolean recorded = jdbi.inTransaction(handle -> {
            if (handle.attach(ShareDao.class).finish(share.id(), ShareStatus.CREATING.wireName(),
                    ShareStatus.AVAILABLE.wireName(), nodeName(), now) == 0) {
                return false;
            }
            ExportLocationDao exports = handle.attach(ExportLocationDao.class);
            exports.deleteForShare(share.id());
            exports.insert(locations);
            return true;
        });
        if (recorded) {
            LOG.info("share {} is available at {}", share.id(), locations.get(0).path());
        } else {
            LOG.warn("share {}: lost its lease before its creation was recorded", share.id());
        }
    }

    private static ExportLocation toLocation(String shareId, ExportPath path, Instant now) {
        return new ExportLocation(UUID.randomUUID().toString(), shareId, path.path(), path.preferred(), path.adminOnly(), now);
    }

    private void delete(Share share) {
        if (share.host() != null) {
            Optional<BackendRegistry.PoolEntry> pool = registry.pool(share.host());
            if (pool.isEmpty()) {
                LOG.error("share {}: pool {} is not configured any more; cannot delete its data", share.id(), share.host());
                fail(share, ShareStatus.ERROR_DELETING, MessageAction.DELETE, MessageDetail.DRIVER_FAILED);
                return;
            }
            try {
                pool.get().driver().delete(new ShareRef(share.id(), pool.get().pool(), share.sizeGb()));
            } catch (DriverException | IllegalArgumentException e) {
                LOG.error("share {}: delete on {} failed: {}", share.id(), share.host(), e.getMessage(), e);
                fail(share, ShareStatus.ERROR_DELETING, MessageAction.DELETE, MessageDetail.DRIVER_FAILED);
                return;
            }
        }
        boolean deleted = jdbi.inTransaction(handle -> {
            placement.release(handle, share.id());
            if (handle.attach(ShareDao.class).deleteFinished(share.id(), nodeName()) == 0) {
                handle.rollback();
                return false;
            }
            quotas.release(handle, share.projectId(), 1, share.sizeGb());
            return true;
        });
        if (deleted) {
            LOG.info("share {} deleted", share.id());
        } else {
            LOG.warn("share {}: lost its lease before its deletion was recorded", share.id());
        }
    }

    private void fail(Share share, ShareStatus to, MessageAction action, MessageDetail detail) {
        jdbi.useTransaction(handle -> {
            if (handle.attach(ShareDao.class).finish(share.id(), share.status(), to.wireName(), nodeName(), clock.instant()) == 1) {
                if (to == ShareStatus.ERROR) {
                    placement.release(handle, share.id()); // a failed create holds no capacity
                }
                messages.recordForShare(handle, share.projectId(), share.id(), action, detail);
            }
        });
    }

    /** Stops taking work and waits briefly for running operations; unfinished ones resume after restart. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("share workers still busy at shutdown; their shares resume after restart");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
