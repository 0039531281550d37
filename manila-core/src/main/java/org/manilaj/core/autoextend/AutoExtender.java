package org.manilaj.core.autoextend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.events.Events;
import org.manilaj.core.messages.MessageAction;
import org.manilaj.core.messages.MessageDao;
import org.manilaj.core.messages.MessageDetail;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.share.ShareResizeService;
import org.manilaj.core.types.ShareType;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.driver.ShareRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grows shares before they fill (a Quartz job every {@code interval}, on one node of a cluster): the shares whose
 * type enables auto-extend have their used space read from their backend, one call per backend (one round trip to
 * its host); a share past its threshold is extended through the normal extend (capacity, quota, the tenant's
 * message when refused, the extend's events), never past its {@code max_gib}, and acted on at most once per
 * interval (a mark in the database, kept across restarts and nodes).
 */
public final class AutoExtender {
    private static final Logger LOG = LoggerFactory.getLogger(AutoExtender.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final ShareTypeService shareTypes;
    private final ShareResizeService resize;
    private final UserMessages messages;
    private final Duration interval;
    private final Clock clock;

    public AutoExtender(Jdbi jdbi, BackendRegistry registry, ShareTypeService shareTypes, ShareResizeService resize,
                        UserMessages messages, Duration interval, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.shareTypes = shareTypes;
        this.resize = resize;
        this.messages = messages;
        this.interval = interval;
        this.clock = clock;
    }

    /** A share due a look, with its policy and its pool. */
    private record Watched(AutoExtendDao.Candidate share, AutoExtendPolicy policy, BackendRegistry.PoolEntry pool) {
    }

    /** One run over every share that auto-extends; how many extends it asked for. */
    public int run() {
        Instant now = clock.instant();
        Map<String, AutoExtendPolicy> policies = new HashMap<>();
        for (ShareType type : shareTypes.list()) {
            AutoExtendPolicy.of(type.extraSpecs()).ifPresent(policy -> policies.put(type.id(), policy));
        }
        if (policies.isEmpty()) {
            return 0;
        }
        Map<String, List<Watched>> byBackend = new LinkedHashMap<>();
        for (AutoExtendDao.Candidate share : jdbi.withExtension(AutoExtendDao.class,
                dao -> dao.candidates(policies.keySet()))) {
            if (share.actedAt() != null && share.actedAt().plus(interval).isAfter(now)) {
                continue;
            }
            Optional<BackendRegistry.PoolEntry> pool = registry.pool(share.host());
            if (pool.isPresent()) {
                byBackend.computeIfAbsent(pool.get().backend(), backend -> new ArrayList<>())
                        .add(new Watched(share, policies.get(share.shareTypeId()), pool.get()));
            }
        }
        int extended = 0;
        for (Map.Entry<String, List<Watched>> backend : byBackend.entrySet()) {
            Map<String, Long> used;
            try {
                used = registry.drivers().get(backend.getKey()).usedBytes(backend.getValue().stream()
                        .map(watched -> new ShareRef(watched.share().id(), watched.pool().pool(), watched.share().sizeGb()))
                        .toList());
            } catch (RuntimeException e) { // the next run tries again; other backends go on
                LOG.warn("auto-extend: cannot read the shares' usage on backend {}: {}", backend.getKey(), e.getMessage());
                continue;
            }
            for (Watched watched : backend.getValue()) {
                Long bytes = used.get(watched.share().id());
                OptionalInt next = bytes == null ? OptionalInt.empty() : watched.policy().nextSize(watched.share().sizeGb(), bytes);
                try {
                    if (next.isPresent() && extend(watched, bytes, next.getAsInt(), now)) {
                        extended++;
                    }
                } catch (RuntimeException e) { // one share (deleted meanwhile, say) does not stop the others
                    LOG.warn("share {}: auto-extend failed: {}", watched.share().id(), e.getMessage());
                }
            }
        }
        return extended;
    }

    /** Marks the share (at most once per interval, whoever runs), then asks for the extend; true when asked. */
    private boolean extend(Watched watched, long usedBytes, int newSize, Instant now) {
        AutoExtendDao.Candidate share = watched.share();
        boolean marked = jdbi.inTransaction(handle -> {
            AutoExtendDao dao = handle.attach(AutoExtendDao.class);
            if (dao.markFirst(share.id(), now) == 0 && dao.markAgain(share.id(), now.minus(interval), now) == 0) {
                return false;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("from", share.sizeGb());
            data.put("to", newSize);
            data.put("used_bytes", usedBytes);
            data.put("threshold_percent", watched.policy().thresholdPercent());
            Events.record(handle, "share.autoextend", share.id(), share.projectId(), data, now);
            return true;
        });
        if (!marked) {
            return false;
        }
        try {
            resize.extend(new RequestContext("autoextend", share.projectId(), false), share.id(), newSize);
            LOG.info("share {}: {} of {} GiB used ({} % threshold): auto-extend to {} GiB", share.id(), usedBytes,
                    share.sizeGb(), watched.policy().thresholdPercent(), newSize);
            return true;
        } catch (ManilaException e) {
            LOG.info("share {}: auto-extend to {} GiB refused: {}", share.id(), newSize, e.getMessage());
            if (e.getMessage() != null && e.getMessage().contains("quota")) {
                jdbi.useTransaction(handle -> { // once a day while it lasts, not once per interval
                    if (handle.attach(MessageDao.class).countSince(share.id(), MessageDetail.AUTOEXTEND_QUOTA.id(),
                            now.minus(Duration.ofDays(1))) == 0) {
                        messages.recordForShare(handle, share.projectId(), share.id(), MessageAction.EXTEND,
                                MessageDetail.AUTOEXTEND_QUOTA);
                    }
                });
            }
            return false;
        }
    }
}
