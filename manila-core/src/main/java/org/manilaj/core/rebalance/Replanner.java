package org.manilaj.core.rebalance;

import java.util.Set;
import org.manilaj.scheduler.rebalance.PlanOptions;
import org.manilaj.scheduler.rebalance.RebalancePlan;

/** A fresh plan from the service's live state, for an applied plan whose moves failed or were skipped. */
@FunctionalInterface
public interface Replanner {

    /** A plan of {@code scope} within {@code options}; the shares {@code held} stay where they are. */
    RebalancePlan plan(PlanScope scope, PlanOptions options, Set<String> held);
}
