package org.manilaj.scheduler;

/**
 * Manila's {@code CapacityFilter}: reserved space is a percentage of the total; thin pools are
 * checked against {@code max_over_subscription_ratio}, thick pools against real free space.
 */
public final class CapacityFilter implements PoolFilter {

    @Override
    public boolean passes(PlacementRequest request, PoolState pool) {
        int size = request.requestedGib();
        double reserved = (request.extend() ? pool.reservedShareExtendPercentage() : pool.reservedPercentage()) / 100.0;
        if (pool.freeCapacityGb() == null) {
            return true; // unknown free space: Manila relies on the driver failing and a retry
        }
        double freeSpace = pool.freeCapacityGb();
        if (pool.totalCapacityGb() == null) {
            return reserved == 0 && size <= freeSpace;
        }
        double total = pool.totalCapacityGb();
        if (total <= 0) {
            return false;
        }
        double free = Math.floor(freeSpace - total * reserved);
        boolean thin = ThinProvisioning.useThinLogic(request.extraSpecs()) && pool.thinProvisioning();
        if (thin && pool.maxOverSubscriptionRatio() >= 1) {
            double provisionedRatio = (pool.provisionedCapacityGb() + size) / total;
            if (provisionedRatio > pool.maxOverSubscriptionRatio()) {
                return false;
            }
            return free * pool.maxOverSubscriptionRatio() >= size;
        }
        if (thin) {
            return false; // a ratio below 1 is invalid
        }
        return free >= size;
    }
}
