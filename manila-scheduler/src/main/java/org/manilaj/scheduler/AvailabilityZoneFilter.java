package org.manilaj.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Passes pools in the requested availability zone (any zone when none was requested) that are also
 * among the share type's {@code availability_zones}, when it names some.
 */
public final class AvailabilityZoneFilter implements PoolFilter {
    @Override
    public boolean passes(PlacementRequest request, PoolState pool) {
        return forRequest(request).test(pool);
    }

    @Override
    public Predicate<PoolState> forRequest(PlacementRequest request) {
        String requested = request.availabilityZone();
        List<String> allowed = allowedZones(request.extraSpecs().get("availability_zones"));
        return pool -> {
            String zone = pool.availabilityZone();
            if (requested != null && !requested.equals(zone)) {
                return false;
            }
            if (allowed == null) {
                return true;
            }
            for (String candidate : allowed) {
                if (candidate.equals(zone)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** The zones the share type allows, trimmed; {@code null} when it does not restrict them. */
    private static List<String> allowedZones(String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        List<String> zones = new ArrayList<>();
        for (String zone : spec.split(",")) {
            zones.add(zone.trim());
        }
        return zones;
    }
}
