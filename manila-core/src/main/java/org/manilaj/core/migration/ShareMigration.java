package org.manilaj.core.migration;

import java.time.Instant;

/**
 * A migration in flight, as its row records it.
 *
 * @param destReservedGb the capacity held on the destination pool since the start
 * @param destShareTypeId the share's type after the migration ({@code null}: unchanged)
 * @param copyCursor where the engine's next pass starts from (its own format), {@code null} before the first
 */
public record ShareMigration(String id, String shareId, String sourceHost, String destHost, String destShareTypeId,
                             int destReservedGb, boolean writable, String engine, String phase, int pass,
                             long bytesCopied, long bytesTotal, long rateBytesPerS, String error, String copyCursor,
                             Instant createdAt, Instant updatedAt) {

    public MigrationPhase migrationPhase() {
        return MigrationPhase.of(phase);
    }
}
