package org.manilaj.csi.api;

import java.util.Map;
import java.util.Set;

/** A share as the plugin needs it from {@code GET /v2/shares/{id}}. */
public record ShareInfo(String id, String name, String status, int sizeGib, String availabilityZone,
                        String shareTypeId, String shareTypeName, String createdAt, Map<String, String> metadata) {
    public ShareInfo {
        metadata = Map.copyOf(metadata);
    }

    private static final Set<String> TRANSITIONAL = Set.of("creating", "deleting", "extending", "shrinking", "migrating",
            "migrating_to", "managing", "unmanaging", "reverting", "restoring", "replication_change");

    /** A status that no running operation will change by itself. */
    public boolean settled() {
        return !TRANSITIONAL.contains(status);
    }
}
