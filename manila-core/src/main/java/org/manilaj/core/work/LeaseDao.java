package org.manilaj.core.work;

import java.time.Instant;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * What a {@link Lease} does to its operation's row, each statement conditional on {@code owner}. Apart from
 * {@link OperationDao} because attaching a SqlObject costs JDBI a copy of its configuration per method, and a
 * share operation uses these in each of its transactions.
 */
public interface LeaseDao {
    /**
     * Records a phase, which also proves the lease is still ours and locks the row until the caller's
     * transaction ends (so nobody takes it over in between).
     */
    @SqlUpdate("UPDATE operations SET phase = :phase, progress = :progress, updated_at = :now WHERE id = :id AND owner = :owner")
    int advance(@Bind("id") String id, @Bind("owner") String owner, @Bind("phase") String phase,
                @Bind("progress") int progress, @Bind("now") Instant now);

    /** Ends the operation, if ours and still at {@code generation} (an access change queued meanwhile keeps it). */
    @SqlUpdate("DELETE FROM operations WHERE id = :id AND owner = :owner AND generation = :generation")
    int finish(@Bind("id") String id, @Bind("owner") String owner, @Bind("generation") int generation);

    /** Ends the operation whatever was queued on it meanwhile (it is being abandoned). */
    @SqlUpdate("DELETE FROM operations WHERE id = :id AND owner = :owner")
    int end(@Bind("id") String id, @Bind("owner") String owner);

    /** A round that ended with more work queued starts the count of attempts again. */
    @SqlUpdate("UPDATE operations SET attempt = 0 WHERE id = :id AND owner = :owner")
    int resetAttempts(@Bind("id") String id, @Bind("owner") String owner);

    /** Turns the share's operation, ours, into an access sync that starts afresh. */
    @SqlUpdate("UPDATE operations SET kind = 'access_sync', phase = 'start', attempt = 0, updated_at = :now"
            + " WHERE id = :id AND owner = :owner")
    int becomeAccessSync(@Bind("id") String id, @Bind("owner") String owner, @Bind("now") Instant now);
}
