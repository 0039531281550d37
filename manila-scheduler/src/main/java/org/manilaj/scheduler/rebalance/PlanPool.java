package org.manilaj.scheduler.rebalance;

import java.util.Objects;
import org.manilaj.scheduler.PoolState;

/**
 * A pool as a rebalancing plan sees it: the scheduler's view of it, its backend, and whether it may take shares
 * ({@code usable}: its backend is enabled and up).
 */
public record PlanPool(PoolState state, String backend, boolean usable) {

    public PlanPool {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(backend, "backend");
    }

    public String name() {
        return state.name();
    }

    /** What the pool may hold: its size times its overcommit ratio when thin, its size when thick. */
    public double capacityGb() {
        Double total = state.totalCapacityGb();
        if (total == null || total <= 0) {
            return 0;
        }
        return state.thinProvisioning() ? total * Math.max(1, state.maxOverSubscriptionRatio()) : total;
    }

    /** Provisioned ÷ capacity; NaN when the size is unknown (such a pool is left out of the balance). */
    public double utilisation() {
        double capacity = capacityGb();
        return capacity == 0 ? Double.NaN : state.provisionedCapacityGb() / capacity;
    }
}
