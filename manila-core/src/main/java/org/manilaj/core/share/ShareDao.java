package org.manilaj.core.share;

import java.time.Instant;
import java.util.Collection;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Share rows: writes and the worker's queries (reads of whole shares are in {@link ShareReadDao}).
 * Status changes are conditional updates: zero rows changed means someone else won.
 */
@RegisterRowMapper(ShareRowMapper.class)
public interface ShareDao {
    String COLUMNS = "s.id, s.project_id, s.user_id, s.name, s.description, s.size_gb, s.share_proto, s.share_type_id,"
            + " t.name AS share_type_name, s.status, s.host, s.availability_zone, s.is_public, s.task_state,"
            + " s.access_rules_status, s.created_at, s.updated_at, s.reserved_gb, s.pending_size_gb";
    // LEFT: the same rows (every share has its type), but H2 then reads shares first, in an index's order when a page
    // asks for it, instead of starting from the types and sorting every share it joins
    String FROM = " FROM shares s LEFT JOIN share_types t ON t.id = s.share_type_id";

    @SqlUpdate("INSERT INTO shares (id, project_id, user_id, name, description, size_gb, share_proto, share_type_id,"
            + " status, availability_zone, is_public, access_rules_status, created_at, updated_at)"
            + " VALUES (:id, :projectId, :userId, :name, :description, :sizeGb, :shareProto, :shareTypeId,"
            + " :status, :availabilityZone, :isPublic, :accessRulesStatus, :createdAt, :updatedAt)")
    void insert(@BindMethods Share share);

    @SqlUpdate("UPDATE shares SET name = :name, description = :description, is_public = :isPublic, updated_at = :now"
            + " WHERE id = :id")
    int updateDisplay(@Bind("id") String id, @Bind("name") String name, @Bind("description") String description,
                      @Bind("isPublic") boolean isPublic, @Bind("now") Instant now);

    /**
     * Moves a share from one of {@code from} to {@code to} in one conditional statement (the caller
     * inserts the operation that will finish it in the same transaction); {@code pendingSize} is the
     * target of an extend or shrink. Zero rows: the share was not in any of {@code from}.
     */
    @SqlUpdate("UPDATE shares SET status = :to, pending_size_gb = :pendingSize, updated_at = :now"
            + " WHERE id = :id AND status IN (<from>)")
    int transition(@Bind("id") String id, @BindList("from") Collection<String> from, @Bind("to") String to,
                   @Bind("pendingSize") Integer pendingSize, @Bind("now") Instant now);

    /** Locks the share's row for the rest of the caller's transaction; zero when there is no such share. */
    @SqlUpdate("UPDATE shares SET updated_at = :now WHERE id = :id")
    int lock(@Bind("id") String id, @Bind("now") Instant now);

    @SqlUpdate("UPDATE shares SET status = :status, pending_size_gb = NULL, updated_at = :now WHERE id = :id")
    int resetStatus(@Bind("id") String id, @Bind("status") String status, @Bind("now") Instant now);

    /** Records the outcome of an extend or shrink: the new size (null keeps it). */
    @SqlUpdate("UPDATE shares SET status = :to, size_gb = COALESCE(:newSize, size_gb), pending_size_gb = NULL,"
            + " updated_at = :now WHERE id = :id AND status = :from")
    int finishResize(@Bind("id") String id, @Bind("from") String from, @Bind("to") String to,
                     @Bind("newSize") Integer newSize, @Bind("now") Instant now);

    /** Changes what the share holds on its pool (in the transaction of a step holding the operation's lease). */
    @SqlUpdate("UPDATE shares SET reserved_gb = :reservedGb WHERE id = :id")
    int setReserved(@Bind("id") String id, @Bind("reservedGb") int reservedGb);

    @SqlUpdate("UPDATE shares SET access_rules_status = :accessStatus, updated_at = :now WHERE id = :id")
    int setAccessStatus(@Bind("id") String id, @Bind("accessStatus") String accessStatus, @Bind("now") Instant now);

    /**
     * Marks access as syncing, only while the share is available: the one conditional statement that
     * decides between an access change and a concurrent extend, shrink or delete (it also locks the
     * share's row, which serialises concurrent access changes of one share).
     */
    @SqlUpdate("UPDATE shares SET access_rules_status = 'syncing', updated_at = :now WHERE id = :id AND status = 'available'")
    int startAccessSync(@Bind("id") String id, @Bind("now") Instant now);

    /** Marks access as in sync unless more rule changes were queued meanwhile. */
    @SqlUpdate("UPDATE shares SET access_rules_status = 'active', updated_at = :now WHERE id = :id"
            + " AND NOT EXISTS (SELECT 1 FROM access_rules r WHERE r.share_id = :id"
            + " AND r.state IN ('queued_to_apply', 'queued_to_deny'))")
    int markAccessInSync(@Bind("id") String id, @Bind("now") Instant now);

    /** Records the outcome of an operation: the share's new status. */
    @SqlUpdate("UPDATE shares SET status = :to, updated_at = :now WHERE id = :id AND status = :from")
    int finish(@Bind("id") String id, @Bind("from") String from, @Bind("to") String to, @Bind("now") Instant now);

    /** Records where a share was placed and the capacity it reserved there (same transaction as the reservation). */
    @SqlUpdate("UPDATE shares SET host = :host, availability_zone = :availabilityZone, reserved_gb = :reservedGb,"
            + " updated_at = :now WHERE id = :id AND host IS NULL AND status = 'creating'")
    int place(@Bind("id") String id, @Bind("host") String host, @Bind("availabilityZone") String availabilityZone,
              @Bind("reservedGb") int reservedGb, @Bind("now") Instant now);

    /** Forgets a share's reservation; the caller gives the capacity back to the pool in the same transaction. */
    @SqlUpdate("UPDATE shares SET reserved_gb = 0 WHERE id = :id AND reserved_gb = :reservedGb")
    int clearReservation(@Bind("id") String id, @Bind("reservedGb") int reservedGb);

    /** The start of a migration: only from {@code available}, so it cannot overtake any other work. */
    @SqlUpdate("UPDATE shares SET status = 'migrating', task_state = :taskState, updated_at = :now"
            + " WHERE id = :id AND status = 'available'")
    int startMigration(@Bind("id") String id, @Bind("taskState") String taskState, @Bind("now") Instant now);

    @SqlUpdate("UPDATE shares SET task_state = :taskState, updated_at = :now WHERE id = :id")
    int setTaskState(@Bind("id") String id, @Bind("taskState") String taskState, @Bind("now") Instant now);

    /** The cut-over: the share now lives on {@code host}, holding {@code reservedGb} there. */
    @SqlUpdate("UPDATE shares SET status = 'available', host = :host, availability_zone = :availabilityZone,"
            + " reserved_gb = :reservedGb, share_type_id = :shareTypeId, task_state = :taskState, updated_at = :now"
            + " WHERE id = :id AND status = 'migrating'")
    int switchHost(@Bind("id") String id, @Bind("host") String host, @Bind("availabilityZone") String availabilityZone,
                   @Bind("reservedGb") int reservedGb, @Bind("shareTypeId") String shareTypeId,
                   @Bind("taskState") String taskState, @Bind("now") Instant now);

    /** The end of a migration that did not move the share (cancelled or failed). */
    @SqlUpdate("UPDATE shares SET status = 'available', task_state = :taskState, updated_at = :now"
            + " WHERE id = :id AND status = 'migrating'")
    int endMigration(@Bind("id") String id, @Bind("taskState") String taskState, @Bind("now") Instant now);

    @SqlUpdate("DELETE FROM shares WHERE id = :id AND status = 'deleting'")
    int deleteFinished(@Bind("id") String id);

    @SqlQuery("SELECT COALESCE(SUM(reserved_gb), 0) FROM shares WHERE host = :host")
    long reservedOn(@Bind("host") String host);

    @SqlQuery("SELECT COUNT(*) FROM shares WHERE share_type_id = :shareTypeId")
    int countOfType(@Bind("shareTypeId") String shareTypeId);

    /** A promotion's end: the promoted replica's place becomes the share's, and the share is available again. */
    @SqlUpdate("UPDATE shares SET host = :host, availability_zone = :availabilityZone, reserved_gb = :reservedGb,"
            + " status = 'available', updated_at = :now WHERE id = :id AND status = 'replication_change'")
    int takeOverFromReplica(@Bind("id") String id, @Bind("host") String host,
                            @Bind("availabilityZone") String availabilityZone, @Bind("reservedGb") int reservedGb,
                            @Bind("now") Instant now);
}
