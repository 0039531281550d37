package org.manilaj.api;

import io.dropwizard.db.DataSourceFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the Liquibase changelog at start-up; Liquibase's lock table serialises concurrent nodes.
 *
 * <p>Liquibase parses and validates the whole changelog and checks every change set's checksum on each start,
 * about a third of a restart's work. After an update it ran, the migrator stamps the database (table
 * {@code schema_stamp}) with a digest of the changelog's files and one of Liquibase's history table. A later start
 * whose changelog files are byte for byte the same, and whose history table is still exactly as the update left it
 * (no rollback, no cleared checksums, no change set applied by other means) and not locked, has nothing Liquibase
 * would run or refuse, and skips it. Anything else, or any doubt (a stamp missing or unreadable, a changelog that
 * the digest cannot follow), runs Liquibase as before.
 */
public final class DatabaseMigrator {
    static final String CHANGELOG = "db/manila-changelog.xml";
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseMigrator.class);
    private static final Pattern INCLUDE = Pattern.compile("<include\\s+file=\"([^\"]+)\"\\s+relativeToChangelogFile=\"true\"\\s*/>");
    private static final int STAMP_ID = 1;

    private DatabaseMigrator() {
    }

    /**
     * Migrates over a connection of its own, never one from the service's pool: Liquibase leaves
     * auto-commit off, and a pooled connection in that state would swallow later commits.
     *
     * @return whether Liquibase ran (false: the stamp showed the database up to date with this changelog)
     */
    public static boolean migrate(DataSourceFactory settings) {
        for (int attempt = 1; ; attempt++) {
            try {
                return migrateOnce(settings);
            } catch (IllegalStateException e) {
                if (attempt >= MIGRATION_TRIES) {
                    throw e;
                }
                // Liquibase creates its own tables before it takes its lock: two nodes starting together on a new
                // database both create them, and one fails; its next try finds them and waits for the lock
                LOG.warn("database migration failed (try {} of {}; another node may be migrating at once): {}", attempt,
                        MIGRATION_TRIES, e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                try {
                    Thread.sleep(1000L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static final int MIGRATION_TRIES = 3;

    @SuppressWarnings("deprecation")
    private static boolean migrateOnce(DataSourceFactory settings) {
        try (Connection connection = DriverManager.getConnection(settings.getUrl(), settings.getUser(), settings.getPassword())) {
            String changelogDigest = changelogDigest();
            if (changelogDigest != null && upToDate(connection, changelogDigest)) {
                LOG.info("database schema up to date with the changelog (stamp matches); Liquibase skipped");
                return false;
            }
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            new Liquibase(CHANGELOG, new ClassLoaderResourceAccessor(), database).update(new Contexts(), new LabelExpression());
            if (changelogDigest != null) {
                stamp(connection, changelogDigest);
            }
            return true;
        } catch (SQLException | LiquibaseException e) {
            throw new IllegalStateException("database migration failed", e);
        }
    }

    /**
     * SHA-256 over the root changelog and, in order, each file it includes; null when the changelog has anything
     * this does not follow (includeAll, nested includes, change sets that run always), which keeps Liquibase on.
     */
    static String changelogDigest() {
        return changelogDigest(liquibase.util.LiquibaseUtil.getBuildVersion());
    }

    /**
     * With the version of Liquibase that would run: a new Liquibase may upgrade its own tables or checksums even when
     * the change sets are the same, so a start with another version runs it.
     */
    static String changelogDigest(String liquibaseVersion) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((liquibaseVersion + "\0").getBytes(StandardCharsets.UTF_8));
            String root = resource(CHANGELOG);
            if (root == null) {
                return null;
            }
            digest.update(root.getBytes(StandardCharsets.UTF_8));
            Matcher include = INCLUDE.matcher(root);
            int includes = 0;
            String base = CHANGELOG.substring(0, CHANGELOG.lastIndexOf('/') + 1);
            while (include.find()) {
                includes++;
                String file = resource(base + include.group(1));
                if (file == null || file.contains("<include") || file.contains("runAlways")) {
                    return null;
                }
                digest.update((byte) 0);
                digest.update(include.group(1).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(file.getBytes(StandardCharsets.UTF_8));
            }
            if (includes != root.split("<include", -1).length - 1) {
                return null; // an include written some other way (or includeAll): let Liquibase read it
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            return null;
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DatabaseMigrator.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** SHA-256 over every row of Liquibase's history table: which change sets ran, from which file, with what checksum. */
    static String historyDigest(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, author, filename, md5sum, exectype FROM databasechangelog"
                     + " ORDER BY id, author, filename")) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            while (rows.next()) {
                for (int column = 1; column <= 5; column++) {
                    String value = rows.getString(column);
                    digest.update((value == null ? "\u0001" : value).getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) 0);
                }
                digest.update((byte) '\n');
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the stamp matches this changelog and the history table as it is now, and no migration holds Liquibase's lock. */
    private static boolean upToDate(Connection connection, String changelogDigest) {
        try {
            String stampedChangelog;
            String stampedHistory;
            try (Statement statement = connection.createStatement();
                 ResultSet stamp = statement.executeQuery("SELECT changelog_digest, history_digest FROM schema_stamp WHERE id = "
                         + STAMP_ID)) {
                if (!stamp.next()) {
                    return false;
                }
                stampedChangelog = stamp.getString(1);
                stampedHistory = stamp.getString(2);
            }
            if (!changelogDigest.equals(stampedChangelog) || !historyDigest(connection).equals(stampedHistory)) {
                return false;
            }
            try (Statement statement = connection.createStatement();
                 ResultSet locked = statement.executeQuery("SELECT COUNT(*) FROM databasechangeloglock WHERE locked = TRUE")) {
                return locked.next() && locked.getLong(1) == 0;
            }
        } catch (SQLException e) {
            // a database from before the stamp (no table yet), or one Liquibase has not set up: let it look
            return false;
        } finally {
            try {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
            } catch (SQLException ignored) {
                // the connection's next use reports it
            }
        }
    }

    /** Records what the update left; a failure to (say, another node stamping at once) only costs the next start a Liquibase run. */
    private static void stamp(Connection connection, String changelogDigest) {
        try {
            connection.setAutoCommit(false);
            String historyDigest = historyDigest(connection);
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM schema_stamp WHERE id = ?");
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO schema_stamp (id, changelog_digest, history_digest) VALUES (?, ?, ?)")) {
                delete.setInt(1, STAMP_ID);
                delete.executeUpdate();
                insert.setInt(1, STAMP_ID);
                insert.setString(2, changelogDigest);
                insert.setString(3, historyDigest);
                insert.executeUpdate();
            }
            connection.commit();
        } catch (SQLException e) {
            LOG.warn("could not stamp the database schema; the next start runs Liquibase again", e);
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // closed with the connection
            }
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
