package org.manilaj.core.work;

import java.time.Instant;
import java.util.Objects;

/**
 * A share's pending operation, as stored: what it does, how far it got, how often it was started, and
 * which process holds its lease until when ({@code owner} null: anyone may take it).
 */
public record Operation(String id, String shareId, OperationKind kind, String phase, int attempt, int generation,
                        String owner, Instant leaseExpiresAt, int progress, Instant createdAt, Instant updatedAt) {
    public static final String START = "start";

    public Operation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(shareId, "shareId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(phase, "phase");
        if (attempt < 0 || generation < 0 || progress < 0 || progress > 100) {
            throw new IllegalArgumentException("attempt and generation are counts; progress is 0 to 100");
        }
        if ((owner == null) != (leaseExpiresAt == null)) {
            throw new IllegalArgumentException("an owner holds a lease until a given time, or nobody holds it");
        }
    }
}
