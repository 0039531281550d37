package org.manilaj.scheduler;

/** Decides whether a pool can take a request. */
public interface PoolFilter {
    boolean passes(PlacementRequest request, PoolState pool);
}
