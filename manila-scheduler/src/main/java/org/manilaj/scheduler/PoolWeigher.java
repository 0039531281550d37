package org.manilaj.scheduler;

/** Scores a pool for a request; scores are normalised per weigher and summed times the multiplier. */
public interface PoolWeigher {
    double multiplier();

    double rawWeight(PlacementRequest request, PoolState pool);
}
