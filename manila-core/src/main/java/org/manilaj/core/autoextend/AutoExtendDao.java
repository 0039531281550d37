package org.manilaj.core.autoextend;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The shares auto-extend looks at, and when it last acted on each. */
public interface AutoExtendDao {

    /** An available, placed share and when auto-extend last acted on it (null: never). */
    record Candidate(String id, String projectId, String userId, int sizeGb, String shareTypeId, String host,
                     Instant actedAt) {
    }

    /**
     * The available, placed shares of the given types only: the shares of types that do not auto-extend (with
     * 100,000 shares, nearly all of them) are never read into memory.
     */
    @SqlQuery("SELECT s.id, s.project_id, s.user_id, s.size_gb, s.share_type_id, s.host, m.acted_at FROM shares s"
            + " LEFT JOIN autoextend_marks m ON m.share_id = s.id WHERE s.share_type_id IN (<shareTypeIds>)"
            + " AND s.status = 'available' AND s.host IS NOT NULL ORDER BY s.id")
    @RegisterConstructorMapper(Candidate.class)
    List<Candidate> candidates(@BindList("shareTypeIds") Collection<String> shareTypeIds);

    /** Marks the share acted on, once per interval: zero when another run (another node) did since {@code before}. */
    @SqlUpdate("UPDATE autoextend_marks SET acted_at = :now WHERE share_id = :shareId AND acted_at < :before")
    int markAgain(@Bind("shareId") String shareId, @Bind("before") Instant before, @Bind("now") Instant now);

    /** Zero too when the share is gone meanwhile (no row to point at). */
    @SqlUpdate("INSERT INTO autoextend_marks (share_id, acted_at) SELECT s.id, :now FROM shares s WHERE s.id = :shareId"
            + " AND NOT EXISTS (SELECT 1 FROM autoextend_marks WHERE share_id = :shareId)")
    int markFirst(@Bind("shareId") String shareId, @Bind("now") Instant now);
}
