package org.manilaj.scheduler;

import java.util.Map;

/**
 * What needs a place: a new share of {@code sizeGib}, or an extend by {@code sizeIncreaseGib}
 * (then {@code extend} is true and the extend reservation applies).
 *
 * @param extraSpecs the share type's extra specs
 * @param availabilityZone the requested zone, or {@code null} for any
 */
public record PlacementRequest(
        int sizeGib, int sizeIncreaseGib, boolean extend, Map<String, String> extraSpecs, String availabilityZone) {

    public PlacementRequest {
        extraSpecs = Map.copyOf(extraSpecs);
    }

    public static PlacementRequest create(int sizeGib, Map<String, String> extraSpecs, String availabilityZone) {
        return new PlacementRequest(sizeGib, 0, false, extraSpecs, availabilityZone);
    }

    /** The size the capacity check needs: the increase for an extend, the full size otherwise. */
    public int requestedGib() {
        return extend ? sizeIncreaseGib : sizeGib;
    }
}
