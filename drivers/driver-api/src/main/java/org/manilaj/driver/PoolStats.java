package org.manilaj.driver;

import java.util.Map;
import java.util.Objects;

/**
 * Capacity of one pool in GiB. A {@code null} figure means "unknown", which the scheduler treats as
 * Manila does.
 *
 * @param capabilities free-form capabilities matched against share-type extra specs
 */
public record PoolStats(String pool, Double totalCapacityGb, Double freeCapacityGb, Map<String, String> capabilities) {
    public PoolStats {
        Objects.requireNonNull(pool, "pool");
        capabilities = Map.copyOf(capabilities);
    }
}
