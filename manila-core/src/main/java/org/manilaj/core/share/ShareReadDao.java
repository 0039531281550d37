package org.manilaj.core.share;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.AllowUnusedBindings;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.manilaj.core.replication.ReplicaDao;

/**
 * Reads of shares with their metadata and export locations, in one small DAO: an API read attaches it
 * once instead of three DAOs (each attach costs a SqlObject proxy per request).
 */
@RegisterRowMapper(ShareRowMapper.class)
@RegisterConstructorMapper(MetadataItem.class)
@RegisterConstructorMapper(ExportLocation.class)
public interface ShareReadDao {
    String EXPORT_COLUMNS = "id, share_id, path, preferred, is_admin_only, created_at";

    @SqlQuery("SELECT " + ShareDao.COLUMNS + ShareDao.FROM + " WHERE s.id = :id")
    Optional<Share> find(@Bind("id") String id);

    /** 1 while the share has a migration in flight (its table belongs to the migration package). */
    @SqlQuery("SELECT COUNT(*) FROM share_migrations WHERE share_id = :id")
    int migrationsOf(@Bind("id") String id);

    @SqlQuery("SELECT " + ShareDao.COLUMNS + ShareDao.FROM + " WHERE s.id = :id AND s.project_id = :projectId")
    Optional<Share> findInProject(@Bind("id") String id, @Bind("projectId") String projectId);

    /**
     * One page of a project's shares (of all projects with {@code allProjects}). {@code sortColumn} and
     * {@code sortDirection} are spliced into the SQL, so callers must pass values from {@link ShareQuery}'s
     * whitelist only.
     */
    default List<Share> list(String projectId, boolean allProjects, String name, String status, String shareTypeId,
                             String sortColumn, String sortDirection, int limit, long offset) {
        // spliced, not "(:allProjects OR s.project_id = :projectId)": behind that OR, H2 (always) and PostgreSQL's
        // generic plans read and sorted every share of every project for each page. The project leads the order
        // too, as it leads index ix_shares_project_created_id: H2 walks an index in order only when the ORDER BY
        // starts with the index's first column (one project: the same order)
        return page(allProjects ? "TRUE" : "s.project_id = :projectId",
                allProjects ? "" : "s.project_id " + sortDirection + ", ", projectId, name, status, shareTypeId,
                sortColumn, sortDirection, limit, offset);
    }

    @SqlQuery("SELECT " + ShareDao.COLUMNS + ShareDao.FROM + " WHERE <projectFilter>"
            + " AND (:name IS NULL OR s.name = :name)"
            + " AND (:status IS NULL OR s.status = :status)"
            + " AND (:shareTypeId IS NULL OR s.share_type_id = :shareTypeId)"
            + " ORDER BY <projectOrder>s.<sortColumn> <sortDirection>, s.id <sortDirection>"
            + " LIMIT :limit OFFSET :offset")
    @AllowUnusedBindings
    List<Share> page(@Define("projectFilter") String projectFilter, @Define("projectOrder") String projectOrder,
                     @Bind("projectId") String projectId,
                     @Bind("name") String name, @Bind("status") String status, @Bind("shareTypeId") String shareTypeId,
                     @Define("sortColumn") String sortColumn, @Define("sortDirection") String sortDirection,
                     @Bind("limit") int limit, @Bind("offset") long offset);

    @SqlQuery("SELECT share_id, meta_key, meta_value FROM share_metadata WHERE share_id = :shareId")
    List<MetadataItem> metadataOf(@Bind("shareId") String shareId);

    @SqlQuery("SELECT share_id, meta_key, meta_value FROM share_metadata WHERE share_id IN (<shareIds>)")
    List<MetadataItem> metadataOfShares(@BindList("shareIds") Collection<String> shareIds);

    @SqlQuery("SELECT " + EXPORT_COLUMNS + " FROM export_locations WHERE share_id = :shareId"
            + " ORDER BY preferred DESC, created_at, id")
    List<ExportLocation> exportsOf(@Bind("shareId") String shareId);

    @SqlQuery("SELECT " + EXPORT_COLUMNS + " FROM export_locations WHERE share_id IN (<shareIds>)"
            + " ORDER BY preferred DESC, created_at, id")
    List<ExportLocation> exportsOfShares(@BindList("shareIds") Collection<String> shareIds);

    /**
     * The roles of the replicas of {@code shareIds} (one query for a page of shares). Here rather than in the
     * replicas' DAO, whose attaching (a copy of JDBI's configuration per method) cost a share read a tenth.
     */
    @SqlQuery("SELECT share_id, replica_state FROM share_replicas WHERE share_id IN (<shareIds>)")
    @RegisterConstructorMapper(ReplicaDao.ReplicaRole.class)
    List<ReplicaDao.ReplicaRole> replicaRoles(@BindList("shareIds") java.util.Collection<String> shareIds);
}
