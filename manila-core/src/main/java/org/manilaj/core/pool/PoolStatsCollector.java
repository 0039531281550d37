package org.manilaj.core.pool;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.db.ErrorText;
import org.manilaj.core.share.ShareDao;
import org.manilaj.driver.BackendStats;
import org.manilaj.driver.PoolStats;
import org.manilaj.driver.ShareDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every backend for its pools' capacity and records it. A backend that fails keeps its last
 * stats and gets its error recorded; the others are unaffected.
 */
public final class PoolStatsCollector {
    private static final Logger LOG = LoggerFactory.getLogger(PoolStatsCollector.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final Clock clock;

    public PoolStatsCollector(Jdbi jdbi, BackendRegistry registry, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.clock = clock;
    }

    /** Makes the backends and pools tables match the configuration. */
    public void registerConfiguredPools() {
        jdbi.useTransaction(handle -> {
            PoolDao pools = handle.attach(PoolDao.class);
            List<String> backendNames = new ArrayList<>(registry.drivers().keySet());
            List<String> poolNames = new ArrayList<>();
            for (String backend : backendNames) {
                String driver = registry.driverName(backend);
                if (pools.updateBackend(backend, registry.serviceHost(), driver) == 0) {
                    pools.insertBackend(backend, registry.serviceHost(), driver);
                }
            }
            for (BackendRegistry.PoolEntry entry : registry.pools()) {
                poolNames.add(entry.fullName());
                if (pools.countPool(entry.fullName()) == 0) {
                    // A pool configured again after a removal takes back what its shares still hold.
                    pools.insertPool(entry.fullName(), entry.backend(), entry.pool(),
                            handle.attach(ShareDao.class).reservedOn(entry.fullName()));
                }
            }
            pools.deletePoolsExcept(poolNames.isEmpty() ? List.of("") : poolNames);
            pools.deleteBackendsExcept(backendNames.isEmpty() ? List.of("") : backendNames);
        });
    }

    public void refreshAll() {
        registry.drivers().keySet().forEach(this::refresh);
    }

    /** Asks one backend for its pools' stats and records them. */
    public void refresh(String backend) {
        ShareDriver driver = registry.drivers().get(backend);
        BackendStats stats;
        try {
            stats = driver.stats();
        } catch (RuntimeException e) {
            LOG.warn("backend {}: cannot read pool stats: {}", backend, e.getMessage());
            jdbi.useExtension(PoolDao.class, pools -> pools.recordStatsAttempt(backend, clock.instant(),
                    ErrorText.of(e.getMessage())));
            return;
        }
        jdbi.useTransaction(handle -> {
            PoolDao pools = handle.attach(PoolDao.class);
            pools.recordStatsAttempt(backend, clock.instant(), null); // the backend's row first, as reservations lock
            for (PoolStats pool : stats.pools()) {
                String fullName = BackendRegistry.poolName(registry.serviceHost(), backend, pool.pool());
                registry.pool(fullName).ifPresentOrElse(
                        entry -> record(pools, entry, pool),
                        () -> LOG.warn("backend {} reports pool {} that is not configured", backend, pool.pool()));
            }
        });
    }

    private void record(PoolDao pools, BackendRegistry.PoolEntry entry, PoolStats stats) {
        Double total = stats.totalCapacityGb();
        Double free = stats.freeCapacityGb();
        Double cap = entry.config().totalCapacityGb();
        if (cap != null) {
            total = total == null ? cap : Math.min(total, cap);
            free = free == null ? null : Math.min(free, total);
        }
        pools.updateStats(entry.fullName(), total, free, PoolCapabilities.toJson(stats.capabilities()), clock.instant());
    }
}
