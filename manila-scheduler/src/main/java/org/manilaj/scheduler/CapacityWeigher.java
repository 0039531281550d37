package org.manilaj.scheduler;

/**
 * Manila's {@code CapacityWeigher}: more (virtual, for thin pools) free capacity weighs more. A
 * negative multiplier stacks shares instead of spreading them.
 */
public final class CapacityWeigher implements PoolWeigher {
    private final double multiplier;

    public CapacityWeigher(double multiplier) {
        this.multiplier = multiplier;
    }

    @Override
    public double multiplier() {
        return multiplier;
    }

    /** Raw weight in GiB; infinities for unknown capacity are clamped by {@link WeightNormalizer}. */
    @Override
    public double rawWeight(PlacementRequest request, PoolState pool) {
        double reserved = (request.extend() ? pool.reservedShareExtendPercentage() : pool.reservedPercentage()) / 100.0;
        if (pool.totalCapacityGb() == null || pool.freeCapacityGb() == null) {
            return multiplier > 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        double total = pool.totalCapacityGb();
        boolean thin = ThinProvisioning.useThinLogic(request.extraSpecs()) && pool.thinProvisioning();
        if (thin) {
            return Math.floor(total * pool.maxOverSubscriptionRatio() - pool.provisionedCapacityGb() - total * reserved);
        }
        return Math.floor(pool.freeCapacityGb() - total * reserved);
    }
}
