package org.manilaj.core.pool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.types.ShareType;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.scheduler.CapabilitiesFilter;
import org.manilaj.scheduler.ExtraSpecMatcher;
import org.manilaj.scheduler.PlacementRequest;
import org.manilaj.scheduler.PoolState;

/** The pools API's view of the pools: last stats, current allocation, settings and whether the backend is up. */
public final class PoolReports {
    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PoolHealth health;
    private final PlacementService placement;

    public PoolReports(Jdbi jdbi, BackendRegistry registry, PoolHealth health, PlacementService placement) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.health = health;
        this.placement = placement;
    }

    public List<PoolReport> list(PoolQuery query, ShareTypeService shareTypes) {
        Map<String, String> typeSpecs = query.shareType() == null ? null : shareTypes.findByIdOrName(query.shareType())
                .map(ShareType::extraSpecs)
                .orElseThrow(() -> ManilaException.notFound("Share type " + query.shareType() + " could not be found."));
        List<PoolReport> reports = new ArrayList<>();
        for (PoolRow row : jdbi.withExtension(PoolDao.class, PoolDao::list)) {
            Optional<BackendRegistry.PoolEntry> configured = registry.pool(row.name());
            if (configured.isEmpty()) {
                continue;
            }
            BackendRegistry.PoolEntry entry = configured.get();
            String host = row.name().substring(0, row.name().indexOf('@'));
            if (!PoolQuery.matches(query.pool(), entry.pool()) || !PoolQuery.matches(query.host(), host)
                    || !PoolQuery.matches(query.backend(), entry.backend())) {
                continue;
            }
            Map<String, String> schedulerCapabilities = PoolCapabilities.of(entry, row);
            if (!query.capabilities().entrySet().stream().allMatch(wanted ->
                    sameValue(schedulerCapabilities.get(wanted.getKey()), wanted.getValue()))) {
                continue;
            }
            if (typeSpecs != null && !new CapabilitiesFilter().passes(PlacementRequest.create(1, typeSpecs, null),
                    new PoolState(row.name(), null, null, 0, 0, 0, false, 1, null, schedulerCapabilities))) {
                continue;
            }
            reports.add(new PoolReport(row.name(), host, entry.backend(), entry.pool(), capabilities(entry, row)));
        }
        return reports;
    }

    private Map<String, Object> capabilities(BackendRegistry.PoolEntry entry, PoolRow row) {
        Map<String, String> reported = PoolCapabilities.reported(row);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("pool_name", entry.pool());
        view.put("total_capacity_gb", row.totalCapacityGb() == null ? "unknown" : row.totalCapacityGb());
        view.put("free_capacity_gb", row.freeCapacityGb() == null ? "unknown" : row.freeCapacityGb());
        view.put("reserved_percentage", entry.config().reservedPercentage());
        view.put("reserved_snapshot_percentage", 0);
        view.put("reserved_share_extend_percentage", entry.config().reservedShareExtendPercentage());
        view.put("share_backend_name", entry.backend());
        view.put("storage_protocol", reported.getOrDefault("storage_protocol", "NFS"));
        view.put("vendor_name", reported.get("vendor_name"));
        view.put("driver_version", reported.get("driver_version"));
        view.put("timestamp", row.statsUpdatedAt() == null ? null : row.statsUpdatedAt().toString());
        view.put("driver_handles_share_servers", false);
        view.put("snapshot_support", false);
        view.put("create_share_from_snapshot_support", false);
        view.put("revert_to_snapshot_support", false);
        view.put("mount_snapshot_support", false);
        view.put("dedupe", false);
        view.put("compression", false);
        view.put("replication_type", entry.replicationDomain() == null ? null : java.util.List.of("readable", "dr"));
        view.put("replication_domain", entry.replicationDomain());
        view.put("ipv4_support", true);
        view.put("ipv6_support", true);
        view.put("thin_provisioning", entry.config().thinProvisioning());
        view.put("max_over_subscription_ratio", entry.config().maxOverSubscriptionRatio());
        view.put("provisioned_capacity_gb", row.allocatedCapacityGb());
        view.put("allocated_capacity_gb", row.allocatedCapacityGb());
        view.put("availability_zone", placement.availabilityZoneOf(entry));
        view.put("backend_state", health.isUp(row) ? "up" : "down");
        reported.forEach(view::putIfAbsent);
        view.putAll(entry.config().capabilities());
        return view;
    }

    /** Equal as Manila compares capabilities: booleans as booleans, numbers as numbers, text as text. */
    private static boolean sameValue(String actual, String wanted) {
        return ExtraSpecMatcher.matches(actual, wanted) || ExtraSpecMatcher.matches(actual, "== " + wanted);
    }
}
