package org.manilaj.core.pool;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Backends and pools with their last reported stats. */
@RegisterConstructorMapper(PoolRow.class)
public interface PoolDao {
    @SqlUpdate("UPDATE backends SET host = :host, driver = :driver WHERE name = :name")
    int updateBackend(@Bind("name") String name, @Bind("host") String host, @Bind("driver") String driver);

    @SqlUpdate("INSERT INTO backends (name, host, driver) VALUES (:name, :host, :driver)")
    void insertBackend(@Bind("name") String name, @Bind("host") String host, @Bind("driver") String driver);

    @SqlUpdate("UPDATE backends SET stats_updated_at = :at, stats_error = :error WHERE name = :name")
    int recordStatsAttempt(@Bind("name") String name, @Bind("at") Instant at, @Bind("error") String error);

    @SqlQuery("SELECT COUNT(*) FROM pools WHERE name = :name")
    int countPool(@Bind("name") String name);

    @SqlUpdate("INSERT INTO pools (name, backend, pool, allocated_capacity_gb) VALUES (:name, :backend, :pool, :allocated)")
    void insertPool(@Bind("name") String name, @Bind("backend") String backend, @Bind("pool") String pool,
                    @Bind("allocated") long allocated);

    @SqlQuery("SELECT COUNT(*) > 0 FROM pools p JOIN backends b ON b.name = p.backend WHERE p.name = :name AND b.disabled")
    boolean backendDisabled(@Bind("name") String name);

    @SqlUpdate("UPDATE pools SET allocated_capacity_gb = allocated_capacity_gb - :size WHERE name = :name")
    int release(@Bind("name") String name, @Bind("size") int size);

    @SqlUpdate("UPDATE pools SET total_capacity_gb = :total, free_capacity_gb = :free, capabilities = :capabilities,"
            + " stats_updated_at = :at WHERE name = :name")
    int updateStats(@Bind("name") String name, @Bind("total") Double total, @Bind("free") Double free,
                    @Bind("capabilities") String capabilities, @Bind("at") Instant at);

    @SqlUpdate("DELETE FROM pools WHERE name NOT IN (<keep>)")
    int deletePoolsExcept(@BindList("keep") Collection<String> keep);

    @SqlUpdate("DELETE FROM backends WHERE name NOT IN (<keep>)")
    int deleteBackendsExcept(@BindList("keep") Collection<String> keep);

    @SqlQuery("SELECT p.name, p.backend, p.pool, p.total_capacity_gb, p.free_capacity_gb, p.allocated_capacity_gb,"
            + " p.capabilities, p.stats_updated_at, b.disabled AS backend_disabled, b.stats_error AS backend_stats_error"
            + " FROM pools p JOIN backends b"
            + " ON b.name = p.backend ORDER BY p.name")
    List<PoolRow> list();

    /** A backend as Manila's services API shows it: its last stats attempt and an admin's disable. */
    record BackendRow(String name, Instant statsUpdatedAt, String statsError, boolean disabled, String disabledReason,
                      Instant statusUpdatedAt) {
    }

    @SqlQuery("SELECT name, stats_updated_at, stats_error, disabled, disabled_reason, status_updated_at FROM backends"
            + " ORDER BY name")
    @RegisterConstructorMapper(BackendRow.class)
    List<BackendRow> backends();

    /** A drain's disable: an admin's earlier reason is kept. */
    @SqlUpdate("UPDATE backends SET disabled = TRUE, disabled_reason = COALESCE(disabled_reason, :reason),"
            + " status_updated_at = :now WHERE name = :name")
    int disableKeepingReason(@Bind("name") String name, @Bind("reason") String reason, @Bind("now") Instant now);

    @SqlUpdate("UPDATE backends SET disabled = :disabled, disabled_reason = :reason, status_updated_at = :now"
            + " WHERE name = :name")
    int setDisabled(@Bind("name") String name, @Bind("disabled") boolean disabled, @Bind("reason") String reason,
                    @Bind("now") Instant now);
}
