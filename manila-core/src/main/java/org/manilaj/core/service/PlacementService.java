package org.manilaj.core.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.db.PoolDao;
import org.manilaj.core.db.ShareDao;
import org.manilaj.core.model.PoolRow;
import org.manilaj.core.model.PoolUsage;
import org.manilaj.scheduler.PlacementRequest;
import org.manilaj.scheduler.PoolScheduler;
import org.manilaj.scheduler.PoolState;
import org.manilaj.scheduler.WeighedPool;

/** Builds a snapshot of the configured pools from the database and asks the scheduler to rank them. */
public final class PlacementService {
    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PoolScheduler scheduler;
    private final String defaultAvailabilityZone;

    public PlacementService(Jdbi jdbi, BackendRegistry registry, PoolScheduler scheduler, String defaultAvailabilityZone) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.scheduler = scheduler;
        this.defaultAvailabilityZone = defaultAvailabilityZone;
    }

    /** The best pool for the request, if any can take it. */
    public Optional<BackendRegistry.PoolEntry> choose(PlacementRequest request) {
        List<WeighedPool> ranked = scheduler.rank(request, snapshot());
        return ranked.stream().findFirst().flatMap(best -> registry.pool(best.pool().name()));
    }

    public String availabilityZoneOf(BackendRegistry.PoolEntry pool) {
        return pool.config().availabilityZone() != null ? pool.config().availabilityZone() : defaultAvailabilityZone;
    }

    List<PoolState> snapshot() {
        Map<String, PoolRow> rows = new HashMap<>();
        Map<String, Long> provisioned = new HashMap<>();
        jdbi.useHandle(handle -> {
            handle.attach(PoolDao.class).list().forEach(row -> rows.put(row.name(), row));
            for (PoolUsage usage : handle.attach(ShareDao.class).provisionedByPool()) {
                provisioned.put(usage.host(), usage.provisionedGb());
            }
        });
        List<PoolState> states = new ArrayList<>();
        for (BackendRegistry.PoolEntry entry : registry.pools()) {
            PoolRow row = rows.get(entry.fullName());
            if (row == null || row.statsUpdatedAt() == null) {
                continue; // never reported: not a candidate until its first stats arrive
            }
            states.add(new PoolState(entry.fullName(), row.totalCapacityGb(), row.freeCapacityGb(),
                    provisioned.getOrDefault(entry.fullName(), 0L), entry.config().reservedPercentage(),
                    entry.config().reservedShareExtendPercentage(), entry.config().thinProvisioning(),
                    entry.config().maxOverSubscriptionRatio(), availabilityZoneOf(entry), entry.config().capabilities()));
        }
        return states;
    }
}
