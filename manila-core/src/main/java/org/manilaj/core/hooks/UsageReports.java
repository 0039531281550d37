package org.manilaj.core.hooks;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.manilaj.core.events.Events;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.driver.ShareRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a periodic hook gets every interval ({@code shares.usage}): every placed share with its project, size,
 * status, pool and used bytes, read with one call per backend (one round trip to its host). A report is sent once
 * per interval, best effort: one that fails is not retried (the next one says more).
 */
public final class UsageReports {
    private static final Logger LOG = LoggerFactory.getLogger(UsageReports.class);

    /** A placed share, as a report lists it. */
    public record Placed(String id, String projectId, int sizeGb, String status, String host) {
    }

    public interface PlacedDao {
        @SqlQuery("SELECT id, project_id, size_gb, status, host FROM shares WHERE host IS NOT NULL ORDER BY id")
        @RegisterConstructorMapper(Placed.class)
        List<Placed> placed();
    }

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final Clock clock;

    public UsageReports(Jdbi jdbi, BackendRegistry registry, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.clock = clock;
    }

    /** Sends one report to {@code hook}; false when it could not. */
    public boolean send(HookSpec hook, HookTarget target) {
        String id = UUID.randomUUID().toString();
        try {
            target.deliver(id, "shares.usage", report(id));
            return true;
        } catch (HookTarget.Refused e) {
            LOG.warn("hook {}: usage report not delivered ({}); the next one comes in {}", hook.name(), e.getMessage(),
                    hook.interval());
            return false;
        }
    }

    String report(String id) {
        Map<String, List<Placed>> byBackend = new LinkedHashMap<>();
        Map<String, BackendRegistry.PoolEntry> pools = new LinkedHashMap<>();
        for (Placed share : jdbi.withExtension(PlacedDao.class, PlacedDao::placed)) {
            Optional<BackendRegistry.PoolEntry> pool = registry.pool(share.host());
            if (pool.isPresent()) {
                pools.put(share.id(), pool.get());
                byBackend.computeIfAbsent(pool.get().backend(), backend -> new ArrayList<>()).add(share);
            }
        }
        List<Map<String, Object>> shares = new ArrayList<>();
        for (Map.Entry<String, List<Placed>> backend : byBackend.entrySet()) {
            Map<String, Long> used;
            try {
                used = registry.drivers().get(backend.getKey()).usedBytes(backend.getValue().stream()
                        .map(share -> new ShareRef(share.id(), pools.get(share.id()).pool(), share.sizeGb())).toList());
            } catch (RuntimeException e) { // its shares are listed without their usage
                LOG.warn("usage report: cannot read the usage on backend {}: {}", backend.getKey(), e.getMessage());
                used = Map.of();
            }
            for (Placed share : backend.getValue()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", share.id());
                row.put("project_id", share.projectId());
                row.put("size", share.sizeGb());
                row.put("status", share.status());
                row.put("host", share.host());
                row.put("used_bytes", used.get(share.id()));
                shares.add(row);
            }
        }
        return Events.envelope(id, "shares.usage", null, null, Map.of("shares", shares), clock.instant());
    }
}
