package org.manilaj.core.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** API tokens, found by the hash of the token a caller presents. */
@RegisterConstructorMapper(ApiToken.class)
public interface TokenDao {
    String COLUMNS = "id, token_hash, project_id, user_id, roles, created_at, expires_at, revoked_at";

    @SqlUpdate("INSERT INTO auth_tokens (" + COLUMNS + ") VALUES (:id, :tokenHash, :projectId, :userId, :roles,"
            + " :createdAt, :expiresAt, :revokedAt)")
    void insert(@BindMethods ApiToken token);

    @SqlQuery("SELECT " + COLUMNS + " FROM auth_tokens WHERE token_hash = :hash")
    Optional<ApiToken> findByHash(@Bind("hash") String hash);

    @SqlQuery("SELECT " + COLUMNS + " FROM auth_tokens ORDER BY created_at, id")
    List<ApiToken> list();

    @SqlUpdate("UPDATE auth_tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
    int revoke(@Bind("id") String id, @Bind("now") Instant now);
}
