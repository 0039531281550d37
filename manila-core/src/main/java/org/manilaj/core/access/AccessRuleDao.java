package org.manilaj.core.access;

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

/** Access rules; their states move in bulk per share as the worker applies them. */
@RegisterConstructorMapper(AccessRule.class)
public interface AccessRuleDao {
    String COLUMNS = "r.id, r.share_id, r.access_type, r.access_to, r.access_level, r.state, r.access_key,"
            + " r.created_at, r.updated_at";

    @SqlUpdate("INSERT INTO access_rules (id, share_id, access_type, access_to, access_level, state, access_key,"
            + " created_at, updated_at) VALUES (:id, :shareId, :accessType, :accessTo, :accessLevel, :state, :accessKey,"
            + " :createdAt, :updatedAt)")
    void insert(@BindMethods AccessRule rule);

    @SqlQuery("SELECT " + COLUMNS + " FROM access_rules r WHERE r.share_id = :shareId ORDER BY r.created_at, r.id")
    List<AccessRule> forShare(@Bind("shareId") String shareId);

    @SqlQuery("SELECT " + COLUMNS + " FROM access_rules r WHERE r.id = :id")
    Optional<AccessRule> find(@Bind("id") String id);

    // Every move but failForRetry's clears retry_as: a rule is tried again only the way it was going when its backend
    // failed it, never after a tenant or an abandoned sync moved it since (a denied rule must not be granted again).

    /** Moves one rule from {@code from} to {@code to}. */
    @SqlUpdate("UPDATE access_rules SET state = :to, retry_as = NULL, updated_at = :now WHERE id = :id AND state = :from")
    int moveOne(@Bind("id") String id, @Bind("from") String from, @Bind("to") String to, @Bind("now") Instant now);

    /** Moves every rule of a share in state {@code from} to {@code to}. */
    @SqlUpdate("UPDATE access_rules SET state = :to, retry_as = NULL, updated_at = :now,"
            + " retry_attempts = CASE WHEN :to = 'active' THEN 0 ELSE retry_attempts END WHERE share_id = :shareId"
            + " AND state = :from")
    int moveAll(@Bind("shareId") String shareId, @Bind("from") String from, @Bind("to") String to, @Bind("now") Instant now);

    /** Starts denying one rule unless it is already on its way out. */
    @SqlUpdate("UPDATE access_rules SET state = 'queued_to_deny', retry_as = NULL, updated_at = :now WHERE id = :id"
            + " AND share_id = :shareId"
            + " AND state NOT IN ('queued_to_deny', 'denying')")
    int queueDeny(@Bind("id") String id, @Bind("shareId") String shareId, @Bind("now") Instant now);

    @SqlUpdate("DELETE FROM access_rules WHERE share_id = :shareId AND state = 'denying'")
    int deleteDenied(@Bind("shareId") String shareId);

    /** The backend failed them: every rule of the share in state {@code from} is in error, to be tried again as {@code retryAs}. */
    @SqlUpdate("UPDATE access_rules SET state = 'error', retry_as = :retryAs, updated_at = :now WHERE share_id = :shareId"
            + " AND state = :from")
    int failForRetry(@Bind("shareId") String shareId, @Bind("from") String from, @Bind("retryAs") String retryAs,
                     @Bind("now") Instant now);

    /** Queues again the share's rules that the backend failed, each on the way it was going, counting the tries. */
    @SqlUpdate("UPDATE access_rules SET state = CASE retry_as WHEN 'deny' THEN 'queued_to_deny' ELSE 'queued_to_apply' END,"
            + " retry_as = NULL, retry_attempts = retry_attempts + 1, updated_at = :now WHERE share_id = :shareId"
            + " AND state = 'error' AND retry_as IS NOT NULL")
    int requeueFailed(@Bind("shareId") String shareId, @Bind("now") Instant now);

    /** A rule its backend failed: when, and how often it was tried again since it was asked for. */
    record FailedRule(String shareId, int retryAttempts, Instant updatedAt) {
    }

    /**
     * The rules the backend failed of available shares on {@code pools}, whatever the share's access status says (a
     * later change may have succeeded and marked it active).
     */
    @SqlQuery("SELECT r.share_id, r.retry_attempts, r.updated_at FROM access_rules r JOIN shares s ON s.id = r.share_id"
            + " WHERE s.status = 'available' AND r.state = 'error' AND r.retry_as IS NOT NULL AND s.host IN (<pools>)")
    @RegisterConstructorMapper(FailedRule.class)
    List<FailedRule> failedRules(@BindList("pools") Collection<String> pools);

}
