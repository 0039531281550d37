package org.manilaj.core.replication;

import java.time.Instant;

/**
 * One replica of a replicated share, as stored. The active replica's pool, zone and reservation are the
 * share's own: its {@code host} is {@code null} here and the views show the share's.
 *
 * @param status the replica's life: creating, available, deleting, error, replication_change (promoting)
 * @param replicaState active, in_sync, out_of_sync, error; {@code null} until the first sync
 * @param onlyHost the pool the caller asked for ({@code scheduler_hints.only_host}), or {@code null}
 * @param syncPass the number of the last pass copied to this replica (0 before the first)
 * @param syncCursor what the copy engine's next pass starts from
 * @param lastSyncAt when the last successful sync began: the replica holds the active's data as of about then
 * @param exportPath where a secondary is exported (readable) or would be once promoted ({@code dr})
 * @param forceDelete an admin's delete: the row goes even when the replica's backend cannot remove its data
 */
public record ShareReplica(String id, String shareId, String host, String availabilityZone, String onlyHost,
                           String status, String replicaState, int reservedGb, int syncPass, String syncCursor,
                           Instant lastSyncAt, long lastSyncBytes, long lastSyncMs, String exportPath, boolean forceDelete,
                           String lastError,
                           Instant createdAt, Instant updatedAt) {
    public static final String CREATING = "creating";
    public static final String AVAILABLE = "available";
    public static final String DELETING = "deleting";
    public static final String ERROR = "error";
    /** Being promoted (Manila's name for the status). */
    public static final String REPLICATION_CHANGE = "replication_change";

    public static final String ACTIVE = "active";
    public static final String IN_SYNC = "in_sync";
    public static final String OUT_OF_SYNC = "out_of_sync";

    /** The first replica of a new replicated share: the share itself, so its place is the share's. */
    public static ShareReplica active(String id, String shareId, Instant now) {
        return new ShareReplica(id, shareId, null, null, null, AVAILABLE, ACTIVE, 0, 0, null, null, 0, 0, null, false, null,
                now, now);
    }

    public boolean isActive() {
        return ACTIVE.equals(replicaState);
    }
}
