package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.db.DataSourceFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.manilaj.core.testing.TestDatabase;

/** The start-up migration skips Liquibase only while its stamp shows the database exactly as Liquibase left it. */
class DatabaseMigratorTest {
    @TempDir
    Path dir;

    private DataSourceFactory database() {
        DataSourceFactory database = new DataSourceFactory();
        database.setUrl("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0");
        database.setUser("sa");
        database.setPassword("");
        return database;
    }

    private long count(String sql) throws Exception {
        DataSourceFactory database = database();
        try (Connection connection = DriverManager.getConnection(database.getUrl(), "sa", "");
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(database().getUrl(), "sa", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void theChangelogIsDigestedWholeAndTheSameEachTime() {
        String digest = DatabaseMigrator.changelogDigest();
        assertThat(digest).hasSize(64).isEqualTo(DatabaseMigrator.changelogDigest());
        assertThat(DatabaseMigrator.changelogDigest("4.33.0")).as("another Liquibase runs")
                .isNotEqualTo(DatabaseMigrator.changelogDigest("4.34.0"));
    }

    @Test
    void aSecondStartOnAnUpToDateDatabaseSkipsLiquibase() throws Exception {
        assertThat(DatabaseMigrator.migrate(database())).isTrue();
        long changeSets = count("SELECT COUNT(*) FROM databasechangelog");
        assertThat(changeSets).isGreaterThan(20);
        assertThat(count("SELECT COUNT(*) FROM schema_stamp")).isEqualTo(1);
        assertThat(DatabaseMigrator.migrate(database())).isFalse();
        assertThat(DatabaseMigrator.migrate(database())).isFalse();
        assertThat(count("SELECT COUNT(*) FROM databasechangelog")).isEqualTo(changeSets);
    }

    /**
     * The production database: the first start migrates PostgreSQL and stamps it, the starts after skip Liquibase.
     * (Two nodes starting together are separate processes; two threads of one JVM share Liquibase's state and one
     * waited for a lock the other had released, so they are no stand-in for them.)
     */
    @Test
    void aSecondStartOnAnUpToDatePostgresDatabaseSkipsLiquibase() throws Exception {
        DataSourceFactory database = new DataSourceFactory();
        database.setUrl(TestDatabase.postgresUrl(TestDatabase.POSTGRES.empty()));
        database.setUser("postgres");
        database.setPassword("");
        assertThat(DatabaseMigrator.migrate(database)).isTrue();
        try (Connection connection = DriverManager.getConnection(database.getUrl(), "postgres", "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM schema_stamp")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(1);
        }
        assertThat(DatabaseMigrator.migrate(database)).as("the next start").isFalse();
        assertThat(DatabaseMigrator.migrate(database)).isFalse();
    }

    @Test
    void aChangeSetRolledBackSinceIsAppliedAgain() throws Exception {
        DatabaseMigrator.migrate(database());
        // as `db rollback-count 1` would leave it: the last change set's table gone and its history row with it
        execute("DROP TABLE schema_stamp");
        execute("DELETE FROM databasechangelog WHERE id = '022-schema-stamp'");
        execute("DROP INDEX ix_shares_share_type");
        execute("DELETE FROM databasechangelog WHERE id = '021-share-type-index'");
        assertThat(DatabaseMigrator.migrate(database())).isTrue();
        assertThat(count("SELECT COUNT(*) FROM databasechangelog WHERE id = '021-share-type-index'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM information_schema.indexes WHERE index_name = 'IX_SHARES_SHARE_TYPE'"))
                .isGreaterThan(0);
        assertThat(DatabaseMigrator.migrate(database())).isFalse();
    }

    @Test
    void aHistoryChangedBehindTheStampRunsLiquibase() throws Exception {
        DatabaseMigrator.migrate(database());
        execute("DELETE FROM databasechangelog WHERE id = '021-share-type-index'"); // index still there: MARK_RAN again
        assertThat(DatabaseMigrator.migrate(database())).isTrue();
        assertThat(count("SELECT COUNT(*) FROM databasechangelog WHERE id = '021-share-type-index'")).isEqualTo(1);
        execute("UPDATE databasechangelog SET md5sum = NULL"); // as `db clear-checksums` leaves it
        assertThat(DatabaseMigrator.migrate(database())).isTrue();
        assertThat(count("SELECT COUNT(*) FROM databasechangelog WHERE md5sum IS NULL")).isZero();
        assertThat(DatabaseMigrator.migrate(database())).isFalse();
    }

    @Test
    void anotherChangelogOrAMissingStampRunsLiquibase() throws Exception {
        DatabaseMigrator.migrate(database());
        execute("UPDATE schema_stamp SET changelog_digest = 'an older changelog'");
        assertThat(DatabaseMigrator.migrate(database())).isTrue();
        assertThat(DatabaseMigrator.migrate(database())).isFalse();
        execute("DELETE FROM schema_stamp");
        assertThat(DatabaseMigrator.migrate(database())).isTrue();
        assertThat(DatabaseMigrator.migrate(database())).isFalse();
    }
}
