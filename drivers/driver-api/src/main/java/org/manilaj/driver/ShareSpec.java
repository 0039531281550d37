package org.manilaj.driver;

import java.util.Map;
import java.util.Objects;

/**
 * What to create: the share's id (a UUID, safe to use as a file name), the pool it was placed on,
 * its size and protocol, and the share type's extra specs for driver-specific settings.
 */
public record ShareSpec(String shareId, String pool, int sizeGib, String protocol, Map<String, String> extraSpecs) {
    public ShareSpec {
        Objects.requireNonNull(shareId, "shareId");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(protocol, "protocol");
        extraSpecs = Map.copyOf(extraSpecs);
        if (sizeGib <= 0) {
            throw new IllegalArgumentException("sizeGib must be positive: " + sizeGib);
        }
    }

    public ShareRef ref() {
        return new ShareRef(shareId, pool, sizeGib);
    }
}
