package org.manilaj.core.share;

import java.time.Instant;

/**
 * A share row as stored, with the name of its type joined in.
 *
 * @param host the pool holding the share, {@code host@backend#pool}; {@code null} until placed
 * @param reservedGb the capacity the share holds on that pool (0 once released)
 * @param pendingSizeGb the size an extend or shrink is taking the share to, else {@code null}
 */
public record Share(
        String id,
        String projectId,
        String userId,
        String name,
        String description,
        int sizeGb,
        String shareProto,
        String shareTypeId,
        String shareTypeName,
        String status,
        String host,
        String availabilityZone,
        boolean isPublic,
        String taskState,
        String accessRulesStatus,
        Instant createdAt,
        Instant updatedAt,
        int reservedGb,
        Integer pendingSizeGb) {

    public ShareStatus shareStatus() {
        return ShareStatus.fromWireName(status).orElseThrow(() -> new IllegalStateException("unknown status " + status));
    }
}
