package org.manilaj.scheduler;

import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one pool as the scheduler sees it. Capacities are GiB; a {@code null} total or free
 * capacity means "unknown" (Manila's string {@code 'unknown'}).
 *
 * @param name {@code host@backend#pool}
 * @param provisionedCapacityGb the sum of the sizes of the shares placed on the pool
 */
public record PoolState(
        String name,
        Double totalCapacityGb,
        Double freeCapacityGb,
        long provisionedCapacityGb,
        double reservedPercentage,
        double reservedShareExtendPercentage,
        boolean thinProvisioning,
        double maxOverSubscriptionRatio,
        String availabilityZone,
        Map<String, String> capabilities) {

    public PoolState {
        Objects.requireNonNull(name, "name");
        capabilities = Map.copyOf(capabilities);
    }
}
