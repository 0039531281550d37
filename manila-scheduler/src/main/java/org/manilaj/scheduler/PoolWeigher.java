package org.manilaj.scheduler;

import java.util.function.ToDoubleFunction;

/** Scores a pool for a request; scores are normalised per weigher and summed times the multiplier. */
public interface PoolWeigher {
    double multiplier();

    double rawWeight(PlacementRequest request, PoolState pool);

    /** {@link #rawWeight} for one request, so that what depends on the request alone is worked out once. */
    default ToDoubleFunction<PoolState> forRequest(PlacementRequest request) {
        return pool -> rawWeight(request, pool);
    }
}
