package org.manilaj.scheduler;

import java.util.Arrays;

/**
 * Passes pools in the requested availability zone (any zone when none was requested) that are also
 * among the share type's {@code availability_zones}, when it names some.
 */
public final class AvailabilityZoneFilter implements PoolFilter {
    @Override
    public boolean passes(PlacementRequest request, PoolState pool) {
        if (request.availabilityZone() != null && !request.availabilityZone().equals(pool.availabilityZone())) {
            return false;
        }
        String allowed = request.extraSpecs().get("availability_zones");
        if (allowed == null || allowed.isBlank()) {
            return true;
        }
        return Arrays.stream(allowed.split(",")).map(String::trim).anyMatch(zone -> zone.equals(pool.availabilityZone()));
    }
}
