package org.manilaj.scheduler;

import java.util.function.Predicate;

/**
 * Manila's {@code CapacityFilter}: the pools that {@link CapacityRule} admits the share on.
 */
public final class CapacityFilter implements PoolFilter {

    @Override
    public boolean passes(PlacementRequest request, PoolState pool) {
        return forRequest(request).test(pool);
    }

    @Override
    public Predicate<PoolState> forRequest(PlacementRequest request) {
        boolean extend = request.extend();
        int size = request.requestedGib();
        boolean thinLogic = ThinProvisioning.useThinLogic(request.extraSpecs());
        return pool -> {
            double reserved = (extend ? pool.reservedShareExtendPercentage() : pool.reservedPercentage()) / 100.0;
            return new CapacityRule(pool.totalCapacityGb(), pool.freeCapacityGb(), pool.provisionedCapacityGb())
                    .admits(size, thinLogic && pool.thinProvisioning(), pool.maxOverSubscriptionRatio(), reserved);
        };
    }
}
