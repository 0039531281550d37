package org.manilaj.core.work;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Operation rows. A lease is only ever taken, renewed, used or given up by conditional statements on
 * {@code owner}: zero rows changed means another process holds it.
 */
@RegisterRowMapper(OperationDao.Mapper.class)
public interface OperationDao {
    String COLUMNS = "id, share_id, kind, phase, attempt, generation, owner, lease_expires_at, progress, created_at, updated_at";

    @SqlUpdate("INSERT INTO operations (id, share_id, kind, phase, attempt, generation, owner, lease_expires_at, progress,"
            + " created_at, updated_at) VALUES (:id, :shareId, :kind, 'start', 0, 0, :owner, :leaseUntil, 0, :now, :now)")
    void insert(@Bind("id") String id, @Bind("shareId") String shareId, @Bind("kind") String kind,
                @Bind("owner") String owner, @Bind("leaseUntil") Instant leaseUntil, @Bind("now") Instant now);

    @SqlQuery("SELECT " + COLUMNS + " FROM operations WHERE share_id = :shareId")
    Optional<Operation> forShare(@Bind("shareId") String shareId);

    /** The share's operation, its row locked until the caller's transaction ends (a claim waits for it). */
    @SqlQuery("SELECT " + COLUMNS + " FROM operations WHERE share_id = :shareId FOR UPDATE")
    Optional<Operation> lockForShare(@Bind("shareId") String shareId);

    /** Takes the lease when nobody holds it, it expired, or this process held it before a restart. */
    @SqlUpdate("UPDATE operations SET owner = :owner, lease_expires_at = :leaseUntil, attempt = attempt + 1, updated_at = :now"
            + " WHERE id = :id AND (owner IS NULL OR owner = :owner OR lease_expires_at < :now)")
    int claim(@Bind("id") String id, @Bind("owner") String owner, @Bind("leaseUntil") Instant leaseUntil,
              @Bind("now") Instant now);

    /** Extends the leases this process holds on the operations it is running. */
    @SqlUpdate("UPDATE operations SET lease_expires_at = :leaseUntil WHERE owner = :owner AND id IN (<ids>)")
    int renew(@Bind("owner") String owner, @BindList("ids") Collection<String> ids, @Bind("leaseUntil") Instant leaseUntil);

    /**
     * Queues access work on the share's pending access sync, or on its replication run (which hands over to an
     * access sync when it ends); zero when the share has neither pending.
     */
    @SqlUpdate("UPDATE operations SET generation = generation + 1, updated_at = :now WHERE share_id = :shareId"
            + " AND kind IN ('access_sync', 'replication')")
    int requeueAccessSync(@Bind("shareId") String shareId, @Bind("now") Instant now);

    /**
     * Queues more work on the share's pending operation of {@code kind}, whose count of attempts starts again (the
     * new work gets its own tries); zero when it has none of that kind.
     */
    @SqlUpdate("UPDATE operations SET generation = generation + 1, attempt = 0, updated_at = :now WHERE share_id = :shareId"
            + " AND kind = :kind")
    int requeue(@Bind("shareId") String shareId, @Bind("kind") String kind, @Bind("now") Instant now);

    /** Records an operation anyone may take for a share that has none; zero when it has one. */
    @SqlUpdate("INSERT INTO operations (id, share_id, kind, phase, attempt, generation, owner, lease_expires_at, progress,"
            + " created_at, updated_at) SELECT :id, s.id, :kind, 'start', 0, 0, NULL, NULL, 0, :now, :now FROM shares s"
            + " WHERE s.id = :shareId AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.share_id = s.id)")
    int insertIfIdle(@Bind("id") String id, @Bind("shareId") String shareId, @Bind("kind") String kind,
                     @Bind("now") Instant now);

    /**
     * Drops the share's operation for an admin's reset or force delete, unless another process holds a
     * live lease on it (it may be inside a driver call); this process's own is for the caller to judge.
     */
    @SqlUpdate("DELETE FROM operations WHERE share_id = :shareId"
            + " AND (owner IS NULL OR owner = :owner OR lease_expires_at < :now)")
    int discardUnlessLeased(@Bind("shareId") String shareId, @Bind("owner") String owner, @Bind("now") Instant now);

    /** Shares whose operation nobody is running: lease free, expired, or this process's from before a restart. */
    @SqlQuery("SELECT share_id FROM operations WHERE owner IS NULL OR owner = :owner OR lease_expires_at < :now"
            + " ORDER BY created_at")
    List<String> unattended(@Bind("owner") String owner, @Bind("now") Instant now);

    /** A share in a transitional status (or with access changes pending) that has no operation. */
    record Orphan(String id, String status) {
    }

    /** Gives an orphan an operation anyone may take, if it is still an orphan in the status seen. */
    @SqlUpdate("INSERT INTO operations (id, share_id, kind, phase, attempt, generation, owner, lease_expires_at, progress,"
            + " created_at, updated_at) SELECT :id, s.id, :kind, 'start', 0, 0, NULL, NULL, 0, :now, :now FROM shares s"
            + " WHERE s.id = :shareId AND s.status = :status"
            + " AND (s.status <> 'available' OR s.access_rules_status = 'syncing')"
            + " AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.share_id = s.id)")
    int adopt(@Bind("id") String id, @Bind("shareId") String shareId, @Bind("kind") String kind,
              @Bind("status") String status, @Bind("now") Instant now);

    @SqlQuery("SELECT s.id, s.status FROM shares s WHERE (s.status IN ('creating', 'deleting', 'extending', 'shrinking', 'replication_change')"
            + " OR (s.status = 'available' AND s.access_rules_status = 'syncing'))"
            + " AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.share_id = s.id)")
    @RegisterConstructorMapper(Orphan.class)
    List<Orphan> orphans();

    final class Mapper implements RowMapper<Operation> {
        @Override
        public Operation map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Operation(rs.getString("id"), rs.getString("share_id"), OperationKind.fromWireName(rs.getString("kind")),
                    rs.getString("phase"), rs.getInt("attempt"), rs.getInt("generation"), rs.getString("owner"),
                    instant(rs.getTimestamp("lease_expires_at")), rs.getInt("progress"), instant(rs.getTimestamp("created_at")),
                    instant(rs.getTimestamp("updated_at")));
        }

        private static Instant instant(Timestamp timestamp) {
            return timestamp == null ? null : timestamp.toInstant();
        }
    }
}
