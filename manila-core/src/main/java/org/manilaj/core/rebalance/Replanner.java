package org.manilaj.core.rebalance;

import org.manilaj.scheduler.rebalance.PlanOptions;
import org.manilaj.scheduler.rebalance.RebalancePlan;

/** A fresh plan from the service's live state: a rebalance, or the drain of {@code backend} when it is not null. */
@FunctionalInterface
public interface Replanner {
    RebalancePlan plan(String drainBackend, PlanOptions options);
}
