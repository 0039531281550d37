package org.manilaj.scheduler;

import java.util.function.Predicate;

/** Decides whether a pool can take a request. */
public interface PoolFilter {
    boolean passes(PlacementRequest request, PoolState pool);

    /**
     * This filter for one request, tested on every pool of a placement: filters override it to parse
     * the request (extra specs, zones) once instead of once per pool. Must agree with {@link #passes}.
     */
    default Predicate<PoolState> forRequest(PlacementRequest request) {
        return pool -> passes(request, pool);
    }
}
