package org.manilaj.core.types;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Share types and their extra specs. */
@RegisterConstructorMapper(ShareTypeRow.class)
@RegisterConstructorMapper(ShareTypeDao.ExtraSpec.class)
public interface ShareTypeDao {
    /** One extra spec of a type. */
    record ExtraSpec(String shareTypeId, String specKey, String specValue) {
    }

    @SqlUpdate("INSERT INTO share_types (id, name, description, is_public, created_at)"
            + " VALUES (:id, :name, :description, :isPublic, :createdAt)")
    void insert(@BindMethods ShareTypeRow row);

    @SqlQuery("SELECT id, name, description, is_public, created_at FROM share_types WHERE id = :id")
    Optional<ShareTypeRow> find(@Bind("id") String id);

    @SqlQuery("SELECT id, name, description, is_public, created_at FROM share_types WHERE name = :name")
    Optional<ShareTypeRow> findByName(@Bind("name") String name);

    @SqlQuery("SELECT id, name, description, is_public, created_at FROM share_types ORDER BY name")
    List<ShareTypeRow> list();

    @SqlUpdate("DELETE FROM share_types WHERE id = :id")
    int delete(@Bind("id") String id);

    @SqlQuery("SELECT share_type_id, spec_key, spec_value FROM share_type_extra_specs"
            + " WHERE share_type_id IN (<ids>) ORDER BY spec_key")
    List<ExtraSpec> extraSpecs(@BindList("ids") Collection<String> shareTypeIds);

    @SqlUpdate("INSERT INTO share_type_extra_specs (share_type_id, spec_key, spec_value) VALUES (:shareTypeId, :specKey, :specValue)")
    void insertSpec(@BindMethods ExtraSpec spec);

    @SqlUpdate("UPDATE share_type_extra_specs SET spec_value = :specValue WHERE share_type_id = :shareTypeId AND spec_key = :specKey")
    int updateSpec(@BindMethods ExtraSpec spec);

    @SqlUpdate("DELETE FROM share_type_extra_specs WHERE share_type_id = :shareTypeId AND spec_key = :specKey")
    int deleteSpec(@Bind("shareTypeId") String shareTypeId, @Bind("specKey") String specKey);

    @SqlQuery("SELECT project_id FROM share_type_projects WHERE share_type_id = :shareTypeId ORDER BY project_id")
    List<String> projectsOf(@Bind("shareTypeId") String shareTypeId);

    @SqlQuery("SELECT COUNT(*) FROM share_type_projects WHERE share_type_id = :shareTypeId AND project_id = :projectId")
    int hasProject(@Bind("shareTypeId") String shareTypeId, @Bind("projectId") String projectId);

    /** Grants a project a private type; a duplicate is refused by the primary key. */
    @SqlUpdate("INSERT INTO share_type_projects (share_type_id, project_id) VALUES (:shareTypeId, :projectId)")
    void addProject(@Bind("shareTypeId") String shareTypeId, @Bind("projectId") String projectId);

    @SqlUpdate("DELETE FROM share_type_projects WHERE share_type_id = :shareTypeId AND project_id = :projectId")
    int removeProject(@Bind("shareTypeId") String shareTypeId, @Bind("projectId") String projectId);

    @SqlQuery("SELECT share_type_id FROM share_type_projects WHERE project_id = :projectId")
    List<String> typesOfProject(@Bind("projectId") String projectId);

    /** Shares of the type, any status. */
    @SqlQuery("SELECT COUNT(*) FROM shares WHERE share_type_id = :shareTypeId")
    int sharesOfType(@Bind("shareTypeId") String shareTypeId);
}
