package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default's database under {@code kill -9}: sixteen writers in a child process, through
 * the service's pool and {@link SerializedWrites}, killed at random moments twenty times. Every
 * acknowledged commit must be there afterwards, every transaction whole (a share is creating or deleting
 * exactly when it has an operation), and every row lockable. Without the serialized writes H2 2.5.252
 * breaks all three within a few dozen kills (see {@link SerializedWrites}).
 */
class H2KillNineTest {
    private static final int KILLS = 20;
    private static final int WRITERS = 16;

    @TempDir
    Path dir;

    @Test
    void serializedWritesKeepEveryAcknowledgedCommitWholeAcrossKillNine() throws Exception {
        String url = DurableCommits.enforce(dataSourceFactory("jdbc:h2:file:" + dir.resolve("db"))).getUrl();
        try (Connection connection = DriverManager.getConnection(url, "sa", ""); Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE TABLE shares (id VARCHAR(36) PRIMARY KEY, status VARCHAR(20) NOT NULL, host VARCHAR(255))");
            ddl.execute("CREATE INDEX ix_shares_host ON shares (host)");
            ddl.execute("CREATE TABLE operations (id VARCHAR(36) PRIMARY KEY, share_id VARCHAR(36) NOT NULL,"
                    + " CONSTRAINT uq_operations_share UNIQUE (share_id))");
        }
        Set<String> created = ConcurrentHashMap.newKeySet();
        Set<String> deleting = ConcurrentHashMap.newKeySet();
        Random random = new Random();
        List<String> problems = new ArrayList<>();
        for (int kill = 0; kill < KILLS && problems.isEmpty(); kill++) {
            runThenKill(url, 500 + random.nextInt(1500), created, deleting);
            int round = kill;
            problems.addAll(CompletableFuture.supplyAsync(() -> check(url, created, deleting))
                    .completeOnTimeout(List.of("the check hung after kill " + round), 60, TimeUnit.SECONDS).get());
        }
        assertThat(created).as("acknowledged creates").hasSizeGreaterThan(100);
        assertThat(problems).isEmpty();
    }

    private static io.dropwizard.db.DataSourceFactory dataSourceFactory(String url) {
        io.dropwizard.db.DataSourceFactory factory = new io.dropwizard.db.DataSourceFactory();
        factory.setUrl(url);
        return factory;
    }

    private static void runThenKill(String url, long millis, Set<String> created, Set<String> deleting) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), H2Writers.class.getName(), url, String.valueOf(WRITERS),
                System.getProperty("h2writers.mode", "serialized")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader acks = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = acks.readLine()) != null) {
                    String[] ack = line.split(" ");
                    if (ack[0].equals("created")) {
                        created.add(ack[1]);
                    } else if (ack[0].equals("deleting")) {
                        deleting.add(ack[1]);
                    }
                }
            } catch (IOException killed) {
                // the child is gone
            }
        });
        reader.start();
        Thread.sleep(millis);
        child.destroyForcibly().waitFor();
        reader.join();
    }

    private static List<String> check(String url, Set<String> created, Set<String> deleting) {
        List<String> problems = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url.replace("LOCK_TIMEOUT=10000", "LOCK_TIMEOUT=500"), "sa", "")) {
            Map<String, String> status = new HashMap<>();
            try (ResultSet rows = connection.createStatement().executeQuery("SELECT id, status FROM shares")) {
                while (rows.next()) {
                    status.put(rows.getString(1), rows.getString(2));
                }
            }
            Set<String> operations = new HashSet<>();
            try (ResultSet rows = connection.createStatement().executeQuery("SELECT share_id FROM operations")) {
                while (rows.next()) {
                    operations.add(rows.getString(1));
                }
            }
            created.stream().filter(id -> !deleting.contains(id) && !status.containsKey(id))
                    .forEach(id -> problems.add("acknowledged create lost: " + id));
            status.forEach((id, state) -> {
                if ((state.equals("creating") || state.equals("deleting")) != operations.contains(id)) {
                    problems.add("half a transaction: share " + id + " " + state + ", operation " + operations.contains(id));
                }
            });
            connection.setAutoCommit(false);
            try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM shares WHERE id = ? FOR UPDATE")) {
                for (String id : status.keySet()) {
                    lock.setString(1, id);
                    try {
                        lock.executeQuery().close();
                    } catch (SQLException e) {
                        problems.add("row of share " + id + " cannot be locked: " + e.getMessage());
                    }
                }
            }
            connection.rollback();
        } catch (SQLException e) {
            problems.add("database unreadable: " + e.getMessage());
        }
        return problems;
    }
}
