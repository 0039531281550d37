package org.manilaj.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Manila's {@code CapabilitiesFilter}: every unscoped or {@code capabilities:}-scoped extra spec must
 * match the pool's capability of that name ({@link ExtraSpecMatcher}); a missing capability fails.
 * Vendor-scoped keys (such as {@code provisioning:max_share_size}) are left to the driver, and
 * {@code availability_zones} to the {@link AvailabilityZoneFilter}.
 */
public final class CapabilitiesFilter implements PoolFilter {
    private static final Set<String> IGNORED = Set.of("availability_zones", "default_qos_type");
    private static final String SCOPE = "capabilities:";

    /** One extra spec this filter checks: the capability it names and its parsed value. */
    private record Requirement(String capability, ExtraSpecMatcher matcher) {
    }

    @Override
    public boolean passes(PlacementRequest request, PoolState pool) {
        for (Map.Entry<String, String> spec : request.extraSpecs().entrySet()) {
            String capability = capabilityOf(spec.getKey());
            if (capability != null && !ExtraSpecMatcher.matches(pool.capabilities().get(capability), spec.getValue())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Predicate<PoolState> forRequest(PlacementRequest request) {
        List<Requirement> list = new ArrayList<>();
        for (Map.Entry<String, String> spec : request.extraSpecs().entrySet()) {
            String capability = capabilityOf(spec.getKey());
            if (capability != null) {
                list.add(new Requirement(capability, ExtraSpecMatcher.of(spec.getValue())));
            }
        }
        Requirement[] requirements = list.toArray(Requirement[]::new);
        return pool -> {
            Map<String, String> capabilities = pool.capabilities();
            for (Requirement requirement : requirements) {
                if (!requirement.matcher().test(capabilities.get(requirement.capability()))) {
                    return false;
                }
            }
            return true;
        };
    }

    /** The capability an extra spec key names, or {@code null} when this filter does not check the key. */
    private static String capabilityOf(String key) {
        if (IGNORED.contains(key)) {
            return null;
        }
        if (key.startsWith(SCOPE)) {
            return key.substring(SCOPE.length());
        }
        return key.contains(":") ? null : key;
    }
}
