package org.manilaj.core.replication;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.manilaj.core.db.ErrorText;

/** Replica rows. Changes of status are conditional on the status seen, so that racing requests lose cleanly. */
@RegisterConstructorMapper(ShareReplica.class)
public interface ReplicaDao {
    String COLUMNS = "id, share_id, host, availability_zone, only_host, status, replica_state, reserved_gb, sync_pass,"
            + " sync_cursor, last_sync_at, last_sync_bytes, last_sync_ms, export_path, force_delete, last_error, created_at,"
            + " updated_at";

    /** The columns, each prefixed with {@code r.}, for queries that join the share. */
    String R_COLUMNS = "r.id, r.share_id, r.host, r.availability_zone, r.only_host, r.status, r.replica_state,"
            + " r.reserved_gb, r.sync_pass, r.sync_cursor, r.last_sync_at, r.last_sync_bytes, r.last_sync_ms, r.export_path,"
            + " r.force_delete, r.last_error, r.created_at, r.updated_at";

    @SqlUpdate("INSERT INTO share_replicas (" + COLUMNS + ") VALUES (:id, :shareId, :host, :availabilityZone, :onlyHost,"
            + " :status, :replicaState, :reservedGb, :syncPass, :syncCursor, :lastSyncAt, :lastSyncBytes, :lastSyncMs,"
            + " :exportPath, :forceDelete, :lastError, :createdAt, :updatedAt)")
    void insert(@BindMethods ShareReplica replica);

    @SqlQuery("SELECT " + COLUMNS + " FROM share_replicas WHERE id = :id")
    Optional<ShareReplica> find(@Bind("id") String id);

    @SqlQuery("SELECT " + COLUMNS + " FROM share_replicas WHERE share_id = :shareId ORDER BY created_at, id")
    List<ShareReplica> forShare(@Bind("shareId") String shareId);

    /** Replicas of the shares a caller sees ({@code projectId} null: every project's). */
    @SqlQuery("SELECT " + R_COLUMNS + " FROM share_replicas r JOIN shares s ON s.id = r.share_id"
            + " WHERE (:projectId IS NULL OR s.project_id = :projectId) AND (:shareId IS NULL OR r.share_id = :shareId)"
            + " ORDER BY r.created_at, r.id")
    List<ShareReplica> visible(@Bind("projectId") String projectId, @Bind("shareId") String shareId);

    /** A replica's share and role, for views of many shares: a share with no row is not replicated. */
    record ReplicaRole(String shareId, String replicaState) {
        public boolean isSecondary() {
            return !ShareReplica.ACTIVE.equals(replicaState);
        }
    }

    @SqlQuery("SELECT COUNT(*) FROM share_replicas WHERE share_id = :shareId AND (replica_state IS NULL"
            + " OR replica_state <> 'active')")
    int secondaries(@Bind("shareId") String shareId);

    @SqlUpdate("UPDATE share_replicas SET status = :to, updated_at = :now WHERE id = :id AND status = :from")
    int transition(@Bind("id") String id, @Bind("from") String from, @Bind("to") String to, @Bind("now") Instant now);

    /** An admin's delete, from whatever status the replica had when read. */
    @SqlUpdate("UPDATE share_replicas SET status = 'deleting', force_delete = TRUE, updated_at = :now WHERE id = :id"
            + " AND status = :from")
    int forceDeleting(@Bind("id") String id, @Bind("from") String from, @Bind("now") Instant now);

    /**
     * The share's secondaries but two start their copies over (after a promotion their source changed): out of
     * sync until their first copy from the new active.
     */
    @SqlUpdate("UPDATE share_replicas SET sync_pass = 0, sync_cursor = NULL, replica_state = CASE WHEN replica_state"
            + " = 'in_sync' THEN 'out_of_sync' ELSE replica_state END, updated_at = :now WHERE share_id = :shareId"
            + " AND id <> :except AND id <> :alsoExcept")
    int restartSyncs(@Bind("shareId") String shareId, @Bind("except") String except, @Bind("alsoExcept") String alsoExcept,
                     @Bind("now") Instant now);

    /** A promotion that did not happen: the replica available again, as it was. */
    @SqlUpdate("UPDATE share_replicas SET status = 'available', force_promote = FALSE, updated_at = :now WHERE id = :id"
            + " AND status = 'replication_change'")
    int endPromotion(@Bind("id") String id, @Bind("now") Instant now);

    /** A promotion asked: {@code force} (an admin's) goes on from the last sync even if the active's last copy fails. */
    @SqlUpdate("UPDATE share_replicas SET status = 'replication_change', force_promote = :force, updated_at = :now"
            + " WHERE id = :id AND status = 'available'")
    int startPromotion(@Bind("id") String id, @Bind("force") boolean force, @Bind("now") Instant now);

    @SqlQuery("SELECT force_promote FROM share_replicas WHERE id = :id")
    boolean forcePromote(@Bind("id") String id);

    @SqlUpdate("UPDATE share_replicas SET status = :status, updated_at = :now WHERE id = :id")
    int setStatus(@Bind("id") String id, @Bind("status") String status, @Bind("now") Instant now);

    @SqlUpdate("UPDATE share_replicas SET replica_state = :state, updated_at = :now WHERE id = :id")
    int setState(@Bind("id") String id, @Bind("state") String state, @Bind("now") Instant now);

    /** Records the pool chosen for a secondary and the capacity it holds there, once. */
    @SqlUpdate("UPDATE share_replicas SET host = :host, availability_zone = :availabilityZone, reserved_gb = :reservedGb,"
            + " updated_at = :now WHERE id = :id AND host IS NULL AND status = 'creating'")
    int place(@Bind("id") String id, @Bind("host") String host, @Bind("availabilityZone") String availabilityZone,
              @Bind("reservedGb") int reservedGb, @Bind("now") Instant now);

    @SqlUpdate("UPDATE share_replicas SET export_path = :path, updated_at = :now WHERE id = :id")
    int setExportPath(@Bind("id") String id, @Bind("path") String path, @Bind("now") Instant now);

    /** A sync done: a replica being created is available now; a delete or promotion asked meanwhile stays asked. */
    @SqlUpdate("UPDATE share_replicas SET status = CASE WHEN status = 'creating' THEN 'available' ELSE status END,"
            + " replica_state = :state, sync_pass = :pass,"
            + " sync_cursor = :cursor, last_sync_at = :startedAt, last_sync_bytes = :bytes, last_sync_ms = :millis,"
            + " last_error = NULL, updated_at = :now WHERE id = :id")
    int recordSync(@Bind("id") String id, @Bind("state") String state, @Bind("pass") int pass,
                   @Bind("cursor") String cursor, @Bind("startedAt") Instant startedAt, @Bind("bytes") long bytes,
                   @Bind("millis") long millis, @Bind("now") Instant now);

    /** A failure's state and reason (cut to fit its column: a driver's message can quote a whole script). */
    default int recordFailure(String id, String state, String error, Instant now) {
        return recordFailureText(id, state, ErrorText.of(error), now);
    }

    @SqlUpdate("UPDATE share_replicas SET replica_state = :state, last_error = :error, updated_at = :now WHERE id = :id")
    int recordFailureText(@Bind("id") String id, @Bind("state") String state, @Bind("error") String error,
                          @Bind("now") Instant now);

    /**
     * The roles of a promotion: the new active takes the share's place (host NULL), the old one its own, syncing
     * on from pass {@code syncPass} and {@code syncCursor} (a snapshot both hold), or from scratch (0, NULL).
     */
    @SqlUpdate("UPDATE share_replicas SET host = :host, availability_zone = :availabilityZone, reserved_gb = :reservedGb,"
            + " replica_state = :state, status = 'available', force_promote = FALSE, export_path = :exportPath,"
            + " sync_pass = :syncPass,"
            + " sync_cursor = :syncCursor, last_sync_at = :syncedAt, updated_at = :now WHERE id = :id")
    int assignRole(@Bind("id") String id, @Bind("host") String host, @Bind("availabilityZone") String availabilityZone,
                   @Bind("reservedGb") int reservedGb, @Bind("state") String state, @Bind("exportPath") String exportPath,
                   @Bind("syncPass") int syncPass, @Bind("syncCursor") String syncCursor, @Bind("syncedAt") Instant syncedAt,
                   @Bind("now") Instant now);

    @SqlUpdate("UPDATE share_replicas SET reserved_gb = :reservedGb WHERE id = :id")
    int setReserved(@Bind("id") String id, @Bind("reservedGb") int reservedGb);

    @SqlUpdate("DELETE FROM share_replicas WHERE id = :id")
    int delete(@Bind("id") String id);

    /** In-sync secondaries whose last sync is older than {@code before}: out of sync now. */
    @SqlUpdate("UPDATE share_replicas SET replica_state = 'out_of_sync', updated_at = :now WHERE replica_state = 'in_sync'"
            + " AND (last_sync_at IS NULL OR last_sync_at < :before)")
    int markLagging(@Bind("before") Instant before, @Bind("now") Instant now);

    /**
     * Shares with no operation pending and a secondary to sync (last synced before {@code dueBefore}) or one
     * still to create, delete or promote (its operation was lost: a crash cannot split a transaction, but an
     * admin's reset of the share can drop it).
     */
    @SqlQuery("SELECT DISTINCT r.share_id FROM share_replicas r JOIN shares s ON s.id = r.share_id"
            + " WHERE ((r.status = 'available' AND r.replica_state IN ('in_sync', 'out_of_sync') AND s.status = 'available'"
            + " AND (r.last_sync_at IS NULL OR r.last_sync_at < :dueBefore))"
            + " OR r.status IN ('creating', 'deleting', 'replication_change'))"
            + " AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.share_id = r.share_id)")
    List<String> needingWork(@Bind("dueBefore") Instant dueBefore);
}
