package org.manilaj.api;

import io.dropwizard.db.DataSourceFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Makes every commit reach the database's files before the service answers, so that an acknowledged
 * change survives {@code kill -9}. H2 writes commits half a second later by default ({@code WRITE_DELAY});
 * PostgreSQL is durable unless {@code synchronous_commit} was turned off for the server or the role.
 */
final class DurableCommits {
    private static final Pattern NOT_SYNCHRONOUS = Pattern.compile("synchronous_commit\\s*=\\s*(off|local|false|0)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern H2_WRITE_DELAY = Pattern.compile(";WRITE_DELAY=(\\d+)", Pattern.CASE_INSENSITIVE);

    /** How long an H2 statement waits for a row lock unless the URL says otherwise, and a writer for the write gate. */
    static final long H2_LOCK_TIMEOUT_MILLIS = 10_000;

    private DurableCommits() {
    }

    static DataSourceFactory enforce(DataSourceFactory database) {
        String url = database.getUrl();
        if (url == null) {
            return database;
        }
        if (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:")) {
            database.setUrl(withQueryCache(closedByTheService(withLockTimeout(h2Url(url)))));
        } else if (url.startsWith("jdbc:postgresql:")) {
            String options = database.getProperties().getOrDefault("options", "");
            if (NOT_SYNCHRONOUS.matcher(url).find() || NOT_SYNCHRONOUS.matcher(options).find()) {
                throw new IllegalArgumentException("database: synchronous_commit must stay on: with it off, commits are"
                        + " acknowledged before they are written, and lost on a crash");
            }
            if (!url.contains("options=")) {
                database.getProperties().put("options", (options + " -c synchronous_commit=on").trim());
            }
        }
        return database;
    }

    /**
     * Asks PostgreSQL itself, on one of the service's connections, whether it commits synchronously: a
     * server, database or role setting overrides anything the URL says.
     */
    static void verify(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
             ResultSet setting = connection.createStatement().executeQuery("SHOW synchronous_commit")) {
            String value = setting.next() ? setting.getString(1) : "";
            if (value.equalsIgnoreCase("off")) {
                throw new IllegalStateException("PostgreSQL has synchronous_commit=off for this service's connections:"
                        + " commits would be acknowledged before they are written, and lost on a crash; turn it on");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read synchronous_commit from PostgreSQL", e);
        }
    }

    /**
     * H2 gives up on a row lock after one second by default. With every commit written at once, creates
     * that queue for one pool's row wait longer than that under load (a kill -9 test saw 126 of them fail
     * so); PostgreSQL waits as long as it takes. Ten seconds, unless the URL says otherwise.
     */
    static String withLockTimeout(String url) {
        return url.toUpperCase(java.util.Locale.ROOT).contains("LOCK_TIMEOUT") ? url : url + ";LOCK_TIMEOUT=" + H2_LOCK_TIMEOUT_MILLIS;
    }

    /**
     * H2 keeps the parsed form of a connection's last 8 statements by default; the service runs a few dozen
     * distinct ones on every pooled connection, so most were parsed again each time (about 5 % of the service's CPU
     * under load). 64, unless the URL says otherwise.
     */
    static String withQueryCache(String url) {
        return url.toUpperCase(java.util.Locale.ROOT).contains("QUERY_CACHE_SIZE") ? url : url + ";QUERY_CACHE_SIZE=64";
    }

    /**
     * H2 closes a database from its own shutdown hook by default, while the service's is still stopping its
     * jobs: Quartz then retried against a closed database for ever and SIGTERM never ended the process. The
     * service closes its pool (and so the database) itself, last.
     */
    static String closedByTheService(String url) {
        return url.toUpperCase(java.util.Locale.ROOT).contains("DB_CLOSE_ON_EXIT") ? url : url + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    static String h2Url(String url) {
        if (url.toUpperCase(java.util.Locale.ROOT).replace(";WRITE_DELAY=0", "").contains("WRITE_DELAY")) {
            throw new IllegalArgumentException("database.url may set WRITE_DELAY only to 0 (;WRITE_DELAY=0)");
        }
        Matcher delay = H2_WRITE_DELAY.matcher(url);
        if (delay.find()) {
            if (!delay.group(1).equals("0")) {
                throw new IllegalArgumentException("database.url sets WRITE_DELAY=" + delay.group(1) + ": commits would be"
                        + " acknowledged before they are written, and lost on a crash; remove it (the service uses 0)");
            }
            return url;
        }
        return url + ";WRITE_DELAY=0";
    }
}
