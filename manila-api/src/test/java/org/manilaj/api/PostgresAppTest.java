package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.manilaj.core.testing.TestDatabase;

/** The production shape: the whole service on PostgreSQL with Quartz clustered. */
@ExtendWith(DropwizardExtensionsSupport.class)
class PostgresAppTest {
    private static final DataSource DATABASE = TestDatabase.POSTGRES.create();
    private static final Path SHARES = TestPaths.tempDirectory("manila-postgres");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.driverClass", "org.postgresql.Driver"),
            ConfigOverride.config("database.url", TestDatabase.postgresUrl(DATABASE)),
            ConfigOverride.config("database.user", "postgres"),
            ConfigOverride.config("database.password", "postgres"),
            ConfigOverride.config("work.clustered", "true"),
            ConfigOverride.config("backends[0].storage_root", SHARES.toString()));

    @Test
    void createsAndDeletesASharesOnPostgresWithClusteredJobs() {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        String id = client.createShare(2);
        assertThat(client.awaitStatus(id, "available")).containsEntry("size", 2);
        assertThat(SHARES.resolve(id)).isDirectory();
        assertThat(client.get("/v2/shares/detail").list("shares")).extracting(share -> share.get("id")).containsExactly(id);
        assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
        assertThat(SHARES.resolve(id)).doesNotExist();

        List<String> jobs = TestDatabase.jdbi(DATABASE).withHandle(handle ->
                handle.createQuery("SELECT trigger_name FROM qrtz_triggers ORDER BY trigger_name").mapTo(String.class).list());
        assertThat(jobs).containsExactly("autoextend", "pool-stats-local", "rebalance", "reconcile-shares", "sync-replicas");
        int nodes = TestDatabase.jdbi(DATABASE).withHandle(handle ->
                handle.createQuery("SELECT COUNT(*) FROM qrtz_scheduler_state").mapTo(Integer.class).one());
        assertThat(nodes).isEqualTo(1);
    }
}
