package org.manilaj.csi.api;

import java.util.Map;

/** What {@code POST /v2/shares} is asked to create; {@code shareType} and {@code availabilityZone} may be null. */
public record NewShare(String name, int sizeGib, String shareType, String availabilityZone, Map<String, String> metadata) {
    public NewShare {
        metadata = Map.copyOf(metadata);
    }
}
