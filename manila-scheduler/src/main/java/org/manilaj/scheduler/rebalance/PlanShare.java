package org.manilaj.scheduler.rebalance;

import java.util.Map;
import java.util.Objects;

/**
 * A share as a plan sees it: its size, its type's extra specs, its availability zone and pool, its status, and
 * whether it has replicas (then it stays: a replicated share moves by promotion, not migration).
 */
public record PlanShare(String id, int sizeGb, Map<String, String> extraSpecs, String zone, String pool, String status,
                        boolean hasReplicas) {

    public PlanShare {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pool, "pool");
        extraSpecs = Map.copyOf(extraSpecs);
    }
}
