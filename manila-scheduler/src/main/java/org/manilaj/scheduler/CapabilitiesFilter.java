package org.manilaj.scheduler;

import java.util.Map;
import java.util.Set;

/**
 * Manila's {@code CapabilitiesFilter}: every unscoped or {@code capabilities:}-scoped extra spec must
 * match the pool's capability of that name ({@link ExtraSpecMatcher}); a missing capability fails.
 * Vendor-scoped keys (such as {@code provisioning:max_share_size}) are left to the driver, and
 * {@code availability_zones} to the {@link AvailabilityZoneFilter}.
 */
public final class CapabilitiesFilter implements PoolFilter {
    private static final Set<String> IGNORED = Set.of("availability_zones", "default_qos_type");
    private static final String SCOPE = "capabilities:";

    @Override
    public boolean passes(PlacementRequest request, PoolState pool) {
        for (Map.Entry<String, String> spec : request.extraSpecs().entrySet()) {
            String key = spec.getKey();
            if (IGNORED.contains(key)) {
                continue;
            }
            if (key.startsWith(SCOPE)) {
                key = key.substring(SCOPE.length());
            } else if (key.contains(":")) {
                continue;
            }
            if (!ExtraSpecMatcher.matches(pool.capabilities().get(key), spec.getValue())) {
                return false;
            }
        }
        return true;
    }
}
