package org.manilaj.core.migration;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code share_migrations} table. */
@RegisterConstructorMapper(ShareMigration.class)
public interface MigrationDao {
    String COLUMNS = "id, share_id, source_host, dest_host, dest_share_type_id, dest_reserved_gb, writable, engine, phase,"
            + " pass, bytes_copied, bytes_total, rate_bytes_per_s, error, copy_cursor, created_at, updated_at";

    @SqlUpdate("INSERT INTO share_migrations (" + COLUMNS + ") VALUES (:id, :shareId, :sourceHost, :destHost,"
            + " :destShareTypeId, :destReservedGb, :writable, :engine, :phase, :pass, :bytesCopied, :bytesTotal,"
            + " :rateBytesPerS, :error, :copyCursor, :createdAt, :updatedAt)")
    void insert(@BindMethods ShareMigration migration);

    @SqlQuery("SELECT " + COLUMNS + " FROM share_migrations WHERE id = :id")
    Optional<ShareMigration> find(@Bind("id") String id);

    @SqlQuery("SELECT " + COLUMNS + " FROM share_migrations WHERE share_id = :shareId")
    Optional<ShareMigration> findByShare(@Bind("shareId") String shareId);

    /** Migrations in {@code phases} that no live node holds: free, {@code owner}'s own, or with a lease run out. */
    @SqlQuery("SELECT " + COLUMNS + " FROM share_migrations WHERE phase IN (<phases>)"
            + " AND (owner IS NULL OR owner = :owner OR lease_expires_at < :now)")
    List<ShareMigration> unattended(@BindList("phases") Collection<String> phases, @Bind("owner") String owner,
                                    @Bind("now") Instant now);

    /** Moves the migration on, only from a phase it is expected in (two requests cannot both win). */
    @SqlUpdate("UPDATE share_migrations SET phase = :to, updated_at = :now WHERE id = :id AND phase IN (<from>)")
    int move(@Bind("id") String id, @BindList("from") Collection<String> from, @Bind("to") String to, @Bind("now") Instant now);

    @SqlUpdate("UPDATE share_migrations SET pass = :pass, bytes_copied = :copied, bytes_total = :total,"
            + " rate_bytes_per_s = :rate, copy_cursor = :cursor, updated_at = :now WHERE id = :id")
    int recordPass(@Bind("id") String id, @Bind("pass") int pass, @Bind("copied") long copied, @Bind("total") long total,
                   @Bind("rate") long rate, @Bind("cursor") String cursor, @Bind("now") Instant now);

    /**
     * Bytes copied so far in the running pass, and its total. {@code pass} stays the last pass finished: the engines resume
     * from it, so a pass cut short must not look done.
     */
    @SqlUpdate("UPDATE share_migrations SET bytes_copied = :copied, bytes_total = :total, updated_at = :now WHERE id = :id")
    int recordProgress(@Bind("id") String id, @Bind("copied") long copied, @Bind("total") long total,
                       @Bind("now") Instant now);

    /**
     * To {@code failing}, only from the phase the failed step ran in (a cancel or a cut-over that won stays),
     * and only by the node that holds the migration.
     */
    @SqlUpdate("UPDATE share_migrations SET phase = 'failing', error = :error, updated_at = :now"
            + " WHERE id = :id AND phase = :expected AND owner = :owner")
    int fail(@Bind("id") String id, @Bind("expected") String expected, @Bind("owner") String owner,
             @Bind("error") String error, @Bind("now") Instant now);

    /** Takes the migration for {@code owner}: free, already its own, or left by a node whose lease ran out. */
    @SqlUpdate("UPDATE share_migrations SET owner = :owner, lease_expires_at = :until WHERE id = :id"
            + " AND (owner IS NULL OR owner = :owner OR lease_expires_at < :now)")
    int claim(@Bind("id") String id, @Bind("owner") String owner, @Bind("until") Instant until, @Bind("now") Instant now);

    /**
     * Extends a lease {@code owner} still holds (not run out: another node may claim it from then on); in a
     * transaction, it also locks the row, so a claim waits for the transaction.
     */
    @SqlUpdate("UPDATE share_migrations SET lease_expires_at = :until WHERE id = :id AND owner = :owner"
            + " AND lease_expires_at > :now")
    int renew(@Bind("id") String id, @Bind("owner") String owner, @Bind("until") Instant until, @Bind("now") Instant now);

    @SqlUpdate("UPDATE share_migrations SET owner = NULL, lease_expires_at = NULL WHERE id = :id AND owner = :owner")
    int release(@Bind("id") String id, @Bind("owner") String owner);

    @SqlUpdate("DELETE FROM share_migrations WHERE id = :id")
    int delete(@Bind("id") String id);
}
