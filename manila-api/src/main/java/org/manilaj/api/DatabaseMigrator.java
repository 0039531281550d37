package org.manilaj.api;

import io.dropwizard.db.DataSourceFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;

/** Applies the Liquibase changelog at start-up; Liquibase's lock table serialises concurrent nodes. */
public final class DatabaseMigrator {
    static final String CHANGELOG = "db/manila-changelog.xml";

    private DatabaseMigrator() {
    }

    /**
     * Migrates over a connection of its own, never one from the service's pool: Liquibase leaves
     * auto-commit off, and a pooled connection in that state would swallow later commits.
     */
    @SuppressWarnings("deprecation")
    public static void migrate(DataSourceFactory settings) {
        try (Connection connection = DriverManager.getConnection(settings.getUrl(), settings.getUser(), settings.getPassword())) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(), database).update(new Contexts(), new LabelExpression());
        } catch (SQLException | LiquibaseException e) {
            throw new IllegalStateException("database migration failed", e);
        }
    }

    static boolean isPostgres(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database", e);
        }
    }
}
