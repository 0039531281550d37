package org.manilaj.core.messages;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** User messages, always read within one project. */
@RegisterConstructorMapper(UserMessage.class)
public interface MessageDao {
    String COLUMNS = "id, project_id, request_id, resource_type, resource_id, action_id, detail_id, message_level,"
            + " created_at, expires_at, reason";

    @SqlUpdate("INSERT INTO messages (" + COLUMNS + ") VALUES (:id, :projectId, :requestId, :resourceType,"
            + " :resourceId, :actionId, :detailId, :messageLevel, :createdAt, :expiresAt, :reason)")
    void insert(@BindMethods UserMessage message);

    @SqlQuery("SELECT " + COLUMNS + " FROM messages WHERE project_id = :projectId ORDER BY created_at DESC, id")
    List<UserMessage> list(@Bind("projectId") String projectId);

    @SqlQuery("SELECT " + COLUMNS + " FROM messages WHERE project_id = :projectId AND resource_id = :resourceId"
            + " ORDER BY created_at DESC, id")
    List<UserMessage> listForResource(@Bind("projectId") String projectId, @Bind("resourceId") String resourceId);

    @SqlQuery("SELECT " + COLUMNS + " FROM messages WHERE id = :id AND project_id = :projectId")
    Optional<UserMessage> find(@Bind("id") String id, @Bind("projectId") String projectId);

    /** Messages of one detail about a resource since {@code since}: a condition that lasts is told once a day. */
    @SqlQuery("SELECT COUNT(*) FROM messages WHERE resource_id = :resourceId AND detail_id = :detailId"
            + " AND created_at >= :since")
    int countSince(@Bind("resourceId") String resourceId, @Bind("detailId") String detailId,
                   @Bind("since") java.time.Instant since);

    @SqlUpdate("DELETE FROM messages WHERE id = :id AND project_id = :projectId")
    int delete(@Bind("id") String id, @Bind("projectId") String projectId);
}
