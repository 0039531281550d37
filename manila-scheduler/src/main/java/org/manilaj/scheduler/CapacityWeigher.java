package org.manilaj.scheduler;

import java.util.function.ToDoubleFunction;

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
        return forRequest(request).applyAsDouble(pool);
    }

    @Override
    public ToDoubleFunction<PoolState> forRequest(PlacementRequest request) {
        boolean extend = request.extend();
        boolean thinLogic = ThinProvisioning.useThinLogic(request.extraSpecs());
        double unknown = multiplier > 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        return pool -> {
            if (pool.totalCapacityGb() == null || pool.freeCapacityGb() == null) {
                return unknown;
            }
            double reserved = (extend ? pool.reservedShareExtendPercentage() : pool.reservedPercentage()) / 100.0;
            double total = pool.totalCapacityGb();
            if (thinLogic && pool.thinProvisioning()) {
                return Math.floor(total * pool.maxOverSubscriptionRatio() - pool.provisionedCapacityGb() - total * reserved);
            }
            return Math.floor(pool.freeCapacityGb() - total * reserved);
        };
    }
}
