package org.manilaj.scheduler;

/** Passes pools in the requested availability zone; any pool when none was requested. */
public final class AvailabilityZoneFilter implements PoolFilter {
    @Override
    public boolean passes(PlacementRequest request, PoolState pool) {
        return request.availabilityZone() == null || request.availabilityZone().equals(pool.availabilityZone());
    }
}
