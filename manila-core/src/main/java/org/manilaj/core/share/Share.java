package org.manilaj.core.share;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

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

    public Share {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(shareTypeId, "shareTypeId");
        if (sizeGb < 1 || reservedGb < 0 || (pendingSizeGb != null && pendingSizeGb < 1)) {
            throw new IllegalArgumentException("share " + id + ": sizes must be positive, reservations not negative");
        }
        if (ShareStatus.fromWireName(status).isEmpty()) {
            throw new IllegalArgumentException("share " + id + ": unknown status " + status);
        }
        if (taskState != null && TaskState.fromWireName(taskState).isEmpty()) {
            throw new IllegalArgumentException("share " + id + ": unknown task state " + taskState);
        }
    }

    public Optional<TaskState> task() {
        return taskState == null ? Optional.empty() : TaskState.fromWireName(taskState);
    }

    public ShareStatus shareStatus() {
        return ShareStatus.fromWireName(status).orElseThrow(() -> new IllegalStateException("unknown status " + status));
    }
}
