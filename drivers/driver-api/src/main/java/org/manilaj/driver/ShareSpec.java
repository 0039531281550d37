package org.manilaj.driver;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to create: the share's id (a UUID, safe to use as a file name), the pool it was placed on,
 * its size and protocol, the share type's extra specs for driver-specific settings, and the octal mode
 * of the share's top directory ({@code null}: the driver's default).
 */
public record ShareSpec(String shareId, String pool, int sizeGib, String protocol, Map<String, String> extraSpecs,
                        String rootMode) {
    /** An octal file mode: permission bits, optionally with the sticky bit (no set-id bits). */
    public static final Pattern ROOT_MODE = Pattern.compile("[01]?[0-7]{3}");

    public ShareSpec {
        Objects.requireNonNull(shareId, "shareId");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(protocol, "protocol");
        extraSpecs = Map.copyOf(extraSpecs);
        if (sizeGib <= 0) {
            throw new IllegalArgumentException("sizeGib must be positive: " + sizeGib);
        }
        if (rootMode != null && !ROOT_MODE.matcher(rootMode).matches()) {
            throw new IllegalArgumentException("rootMode must be an octal mode such as 0775: " + rootMode);
        }
    }

    public ShareSpec(String shareId, String pool, int sizeGib, String protocol, Map<String, String> extraSpecs) {
        this(shareId, pool, sizeGib, protocol, extraSpecs, null);
    }

    public ShareRef ref() {
        return new ShareRef(shareId, pool, sizeGib);
    }
}
