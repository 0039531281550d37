package org.manilaj.scheduler;

/**
 * Manila's {@code CapacityFilter}: the pools that {@link CapacityRule} admits the share on.
 */
public final class CapacityFilter implements PoolFilter {

    @Override
    public boolean passes(PlacementRequest request, PoolState pool) {
        double reserved = (request.extend() ? pool.reservedShareExtendPercentage() : pool.reservedPercentage()) / 100.0;
        boolean thin = ThinProvisioning.useThinLogic(request.extraSpecs()) && pool.thinProvisioning();
        return new CapacityRule(pool.totalCapacityGb(), pool.freeCapacityGb(), pool.provisionedCapacityGb())
                .admits(request.requestedGib(), thin, pool.maxOverSubscriptionRatio(), reserved);
    }
}
