package org.manilaj.core.types;

import java.time.Instant;
import java.util.Map;

/** A share type and its extra specs (values as strings, as Manila stores them). */
public record ShareType(String id, String name, String description, boolean isPublic, Instant createdAt,
                        Map<String, String> extraSpecs) {
    public static final String DHSS = "driver_handles_share_servers";

    public ShareType {
        extraSpecs = Map.copyOf(extraSpecs);
    }
}
