package org.manilaj.api;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The child process of {@link H2KillNineTest}: writers that record shares and their operations in H2
 * the way the service does (a share and its operation change in one transaction), through the service's
 * own pool and {@link SerializedWrites}, and print each commit once it is acknowledged, until killed.
 */
public final class H2Writers {
    private H2Writers() {
    }

    /** Arguments: database URL, number of writers, {@code serialized} or {@code raw}. */
    public static void main(String[] args) throws Exception {
        DataSourceFactory factory = new DataSourceFactory();
        factory.setDriverClass("org.h2.Driver");
        factory.setUrl(args[0]);
        factory.setUser("sa");
        factory.setMaxSize(64);
        ManagedDataSource pool = factory.build(new MetricRegistry(), "writers");
        pool.start();
        ManagedDataSource dataSource = args[2].equals("serialized")
                ? SerializedWrites.forH2(args[0], pool, new WriteGate(DurableCommits.H2_LOCK_TIMEOUT_MILLIS)) : pool;
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        for (int writer = 0; writer < Integer.parseInt(args[1]); writer++) {
            Thread thread = new Thread(() -> write(dataSource, out));
            thread.start();
        }
        out.println("started");
    }

    private static void write(ManagedDataSource dataSource, PrintStream out) {
        Random dice = new Random();
        List<String> mine = new ArrayList<>();
        while (true) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                if (mine.isEmpty() || dice.nextInt(10) < 6) {
                    String id = UUID.randomUUID().toString();
                    update(connection, "INSERT INTO shares (id, status, host) VALUES (?, 'creating', NULL)", id);
                    update(connection, "INSERT INTO operations (id, share_id) VALUES ('" + UUID.randomUUID() + "', ?)", id);
                    connection.commit();
                    out.println("created " + id);
                    update(connection, "UPDATE shares SET host = 'manila@local#pool" + dice.nextInt(3) + "' WHERE id = ?", id);
                    connection.commit();
                    update(connection, "UPDATE shares SET status = 'available' WHERE id = ?", id);
                    update(connection, "DELETE FROM operations WHERE share_id = ?", id);
                    connection.commit();
                    mine.add(id);
                } else {
                    String id = mine.remove(dice.nextInt(mine.size()));
                    update(connection, "UPDATE shares SET status = 'deleting' WHERE id = ?", id);
                    update(connection, "INSERT INTO operations (id, share_id) VALUES ('" + UUID.randomUUID() + "', ?)", id);
                    connection.commit();
                    out.println("deleting " + id);
                    update(connection, "DELETE FROM shares WHERE id = ?", id);
                    update(connection, "DELETE FROM operations WHERE share_id = ?", id);
                    connection.commit();
                }
            } catch (SQLException e) {
                // a lock timeout under load: that change was not acknowledged; carry on
            }
        }
    }

    private static void update(Connection connection, String sql, String id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, id);
            statement.executeUpdate();
        }
    }
}
