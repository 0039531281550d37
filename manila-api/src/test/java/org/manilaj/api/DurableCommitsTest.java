package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.db.DataSourceFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableCommitsTest {
    @TempDir
    Path dir;

    @Test
    void anH2FileDatabaseWritesEveryCommitAtOnce() throws Exception {
        DataSourceFactory database = new DataSourceFactory();
        database.setUrl("jdbc:h2:file:" + dir.resolve("db"));
        String url = DurableCommits.enforce(database).getUrl();
        assertThat(url).endsWith(";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64");
        assertThat(DurableCommits.enforce(database).getUrl()).isEqualTo(url);
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             ResultSet setting = connection.createStatement().executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertThat(setting.next()).isTrue();
            assertThat(setting.getString(1)).isEqualTo("0");
        }
    }

    /** A few dozen distinct statements per pooled connection: H2's default of 8 parsed ones re-parsed most of them. */
    @Test
    void anH2DatabaseKeepsTheParsedFormOfMoreStatements() throws Exception {
        DataSourceFactory database = new DataSourceFactory();
        database.setUrl("jdbc:h2:file:" + dir.resolve("db"));
        try (Connection connection = DriverManager.getConnection(DurableCommits.enforce(database).getUrl(), "sa", "");
             ResultSet setting = connection.createStatement().executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'QUERY_CACHE_SIZE'")) {
            assertThat(setting.next()).isTrue();
            assertThat(setting.getString(1)).isEqualTo("64");
        }
        assertThat(DurableCommits.withQueryCache("jdbc:h2:file:x;query_cache_size=8")).endsWith("=8");
    }

    @Test
    void aDelayedWriteIsRefusedByName() {
        assertThatThrownBy(() -> DurableCommits.h2Url("jdbc:h2:file:./var/db/manila;write_delay=500"))
                .hasMessageContaining("WRITE_DELAY");
        assertThat(DurableCommits.h2Url("jdbc:h2:file:x;WRITE_DELAY=0")).isEqualTo("jdbc:h2:file:x;WRITE_DELAY=0");
    }

    @Test
    void postgresCommitsSynchronouslyWhateverTheServerDefault() {
        DataSourceFactory database = new DataSourceFactory();
        database.setUrl("jdbc:postgresql://127.0.0.1/manila");
        assertThat(DurableCommits.enforce(database).getProperties()).containsEntry("options", "-c synchronous_commit=on");
    }

    @Test
    void neitherDatabaseCanBeToldToAcknowledgeBeforeWriting() {
        assertThatThrownBy(() -> DurableCommits.h2Url("jdbc:h2:file:x;INIT=SET WRITE_DELAY 500")).hasMessageContaining("WRITE_DELAY");
        DataSourceFactory postgres = new DataSourceFactory();
        postgres.setUrl("jdbc:postgresql://127.0.0.1/manila");
        postgres.getProperties().put("options", "-c synchronous_commit=off");
        assertThatThrownBy(() -> DurableCommits.enforce(postgres)).hasMessageContaining("synchronous_commit");
        postgres.getProperties().remove("options");
        postgres.setUrl("jdbc:postgresql://127.0.0.1/manila?options=-c%20synchronous_commit=off");
        assertThatThrownBy(() -> DurableCommits.enforce(postgres)).hasMessageContaining("synchronous_commit");
    }

    /** Whatever the URL says, the server's own answer decides: a role with synchronous_commit off is refused. */
    @Test
    void postgresIsAskedWhetherItCommitsSynchronously() throws Exception {
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.start()) {
            javax.sql.DataSource dataSource = postgres.getPostgresDatabase();
            // the embedded server itself runs with synchronous_commit off, for speed: the role's setting decides
            try (Connection connection = dataSource.getConnection()) {
                connection.createStatement().execute("ALTER ROLE postgres SET synchronous_commit = on");
            }
            DurableCommits.verify(dataSource);
            try (Connection connection = dataSource.getConnection()) {
                connection.createStatement().execute("ALTER ROLE postgres SET synchronous_commit = off");
            }
            assertThatThrownBy(() -> DurableCommits.verify(dataSource)).hasMessageContaining("synchronous_commit=off");
        }
    }
}
