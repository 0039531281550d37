package org.manilaj.core.share;

import java.util.Map;

/**
 * A share create request as the caller sent it, before validation.
 *
 * @param shareType a share type id or name; {@code null} for the default type
 */
public record NewShare(String shareProto, Integer size, String name, String description, String shareType,
                       String availabilityZone, Boolean isPublic, Map<String, String> metadata) {
    public NewShare {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
