package org.manilaj.core.migration;

/**
 * {@code migration_start}'s arguments (2.29+): the destination pool ({@code host@backend#pool}), the four
 * guarantees asked for, and optionally a new share type.
 */
public record MigrationRequest(String host, boolean writable, boolean preserveMetadata, boolean nondisruptive,
                               boolean preserveSnapshots, boolean forceHostAssisted, String newShareTypeId) {
}
