package org.manilaj.core.quota;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Quota limits and usage; usage only moves by conditional updates, so concurrent requests cannot overrun a limit. */
@RegisterConstructorMapper(QuotaDao.Amount.class)
public interface QuotaDao {
    /** A limit or a usage of one resource. */
    record Amount(String resource, long amount) {
    }

    @SqlQuery("SELECT resource, hard_limit AS amount FROM quota_limits WHERE project_id = :projectId")
    List<Amount> limits(@Bind("projectId") String projectId);

    @SqlQuery("SELECT resource, in_use AS amount FROM quota_usages WHERE project_id = :projectId")
    List<Amount> usages(@Bind("projectId") String projectId);

    @SqlUpdate("UPDATE quota_limits SET hard_limit = :limit WHERE project_id = :projectId AND resource = :resource")
    int updateLimit(@Bind("projectId") String projectId, @Bind("resource") String resource, @Bind("limit") long limit);

    @SqlUpdate("INSERT INTO quota_limits (project_id, resource, hard_limit) VALUES (:projectId, :resource, :limit)")
    void insertLimit(@Bind("projectId") String projectId, @Bind("resource") String resource, @Bind("limit") long limit);

    @SqlUpdate("DELETE FROM quota_limits WHERE project_id = :projectId")
    int deleteLimits(@Bind("projectId") String projectId);

    @SqlQuery("SELECT COUNT(*) FROM quota_usages WHERE project_id = :projectId AND resource = :resource")
    int countUsage(@Bind("projectId") String projectId, @Bind("resource") String resource);

    @SqlUpdate("INSERT INTO quota_usages (project_id, resource, in_use) VALUES (:projectId, :resource, 0)")
    void insertUsage(@Bind("projectId") String projectId, @Bind("resource") String resource);

    /** Adds {@code delta} to the usage unless that takes it past {@code limit} (a negative limit is unlimited). */
    @SqlUpdate("UPDATE quota_usages SET in_use = in_use + :delta WHERE project_id = :projectId AND resource = :resource"
            + " AND (:limit < 0 OR :delta <= 0 OR in_use + :delta <= :limit)")
    int add(@Bind("projectId") String projectId, @Bind("resource") String resource, @Bind("delta") long delta,
            @Bind("limit") long limit);
}
