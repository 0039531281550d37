package org.manilaj.api;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.config.BackendConfig;
import org.manilaj.core.config.PoolConfig;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.pool.PoolHealth;
import org.manilaj.core.pool.PoolStatsCollector;
import org.manilaj.core.types.ShareType;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.scheduler.PoolScheduler;

/**
 * What the in-process service tests wire the same way: local-directory backends of one pool each, their pools
 * recorded with fresh stats, the default share type, and placement over those pools.
 */
final class LocalPools {
    final BackendRegistry registry;
    final ShareTypeService types;
    final PlacementService placement;
    final String defaultTypeId;

    /** Backends named {@code names}, each storing its shares under {@code root/<name>}. */
    static LocalPools of(Jdbi jdbi, Clock clock, Path root, String... names) {
        return new LocalPools(jdbi, clock, BackendRegistry.load("manila",
                Arrays.stream(names).map(name -> backend(name, root.resolve(name))).toList()));
    }

    /** A local-directory backend with one pool, {@code pool0}. */
    static BackendConfig backend(String name, Path storageRoot) {
        return new BackendConfig(name, "linux", List.of(new PoolConfig("pool0")),
                Map.of("storage_root", storageRoot.toString(), "export_address", "127.0.0.1"));
    }

    /** Over a registry of the caller's (one whose drivers a test wraps); the default type is made unless it exists. */
    LocalPools(Jdbi jdbi, Clock clock, BackendRegistry registry) {
        this.registry = registry;
        PoolStatsCollector stats = new PoolStatsCollector(jdbi, registry, clock);
        stats.registerConfiguredPools();
        stats.refreshAll();
        types = new ShareTypeService(jdbi, clock, "default");
        defaultTypeId = types.findDefault().map(ShareType::id).orElseGet(() ->
                types.create("default", null, true, Map.of("driver_handles_share_servers", false)).id());
        placement = new PlacementService(jdbi, registry, PoolScheduler.withDefaults(),
                new PoolHealth(clock, Duration.ofMinutes(1), Duration.ofHours(1)), "nova", 10, clock);
    }
}
