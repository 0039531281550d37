package org.manilaj.bench.load;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The database of one scale run: how the bench reaches it to seed rows, and the {@code -Ddw.*} options that
 * point the service at it.
 */
sealed interface ScaleDatabase {
    String name();

    Connection connect() throws SQLException;

    List<String> serviceOptions();

    /** The service's own H2 file database under its working directory's {@code ./var}, as config/manila.yml has it. */
    record H2(Path work) implements ScaleDatabase {
        @Override
        public String name() {
            return "h2";
        }

        @Override
        public Connection connect() throws SQLException {
            return DriverManager.getConnection("jdbc:h2:file:" + work.resolve("var/db/manila"), "manila", "");
        }

        @Override
        public List<String> serviceOptions() {
            return List.of(); // the config's own URL, relative to the working directory
        }
    }

    /** A database of its own in a PostgreSQL server that the bench runs, reached over 127.0.0.1. */
    record Postgres(EmbeddedPostgres server, String database) implements ScaleDatabase {
        static Postgres create(EmbeddedPostgres server, String database) throws SQLException {
            try (Connection admin = server.getPostgresDatabase().getConnection(); Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + database);
                statement.execute("CREATE DATABASE " + database);
            }
            return new Postgres(server, database);
        }

        static EmbeddedPostgres startServer() throws IOException {
            return EmbeddedPostgres.builder().start();
        }

        @Override
        public String name() {
            return "postgres";
        }

        private String url() {
            return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
        }

        @Override
        public Connection connect() throws SQLException {
            // one multi-row INSERT per batch instead of one per row
            return DriverManager.getConnection(url() + "?reWriteBatchedInserts=true", "postgres", "");
        }

        @Override
        public List<String> serviceOptions() {
            return List.of("-Ddw.database.driverClass=org.postgresql.Driver", "-Ddw.database.url=" + url(),
                    "-Ddw.database.user=postgres");
        }
    }
}
