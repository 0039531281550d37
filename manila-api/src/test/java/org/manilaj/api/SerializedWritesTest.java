package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLTransientException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer at a time on an H2 file database, readers alongside (see {@link SerializedWrites}). */
class SerializedWritesTest {
    @TempDir
    Path dir;

    private ManagedDataSource pool;
    private ManagedDataSource dataSource;

    @BeforeEach
    void open() throws Exception {
        DataSourceFactory factory = new DataSourceFactory();
        factory.setDriverClass("org.h2.Driver");
        factory.setUrl(DurableCommits.enforce(urlOnly("jdbc:h2:file:" + dir.resolve("db"))).getUrl());
        factory.setUser("sa");
        pool = factory.build(new MetricRegistry(), "test");
        pool.start();
        dataSource = SerializedWrites.forH2(factory.getUrl(), pool, new WriteGate(1_000));
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
            connection.createStatement().execute("INSERT INTO t VALUES (1, 0), (2, 0)");
        }
    }

    @AfterEach
    void close() throws Exception {
        pool.stop();
    }

    private static DataSourceFactory urlOnly(String url) {
        DataSourceFactory factory = new DataSourceFactory();
        factory.setUrl(url);
        return factory;
    }

    @Test
    void aSecondWriterWaitsForTheFirstTransactionToEndWhileReadersDoNot() throws Exception {
        try (Connection first = dataSource.getConnection()) {
            first.setAutoCommit(false);
            first.prepareStatement("UPDATE t SET v = 1 WHERE id = 1").executeUpdate();
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> run("SELECT v FROM t WHERE id = 2"));
            assertThat(read.get(5, TimeUnit.SECONDS)).as("a read passes a writer").isZero();
            CompletableFuture<Integer> write = CompletableFuture.supplyAsync(() -> run("UPDATE t SET v = 2 WHERE id = 2"));
            assertThatThrownBy(() -> write.get(300, TimeUnit.MILLISECONDS)).as("another row, yet it waits")
                    .isInstanceOf(TimeoutException.class);
            first.commit();
            assertThat(write.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void lockingReadsCountAsWritesAndTheGateHasATimeout() throws Exception {
        try (Connection first = dataSource.getConnection()) {
            first.setAutoCommit(false);
            first.prepareStatement("SELECT v FROM t WHERE id = 1 FOR UPDATE").executeQuery().close();
            CompletableFuture<Integer> write = CompletableFuture.supplyAsync(() -> run("UPDATE t SET v = 2 WHERE id = 2"));
            assertThat(write).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                    .havingRootCause().isInstanceOf(SQLTransientException.class).withMessageContaining("write gate")
                    .withMessageContaining("held by thread") // says who holds it
                    .satisfies(e -> assertThat(((SQLTransientException) e).getSQLState()).as("H2's lock timeout, a 409")
                            .isEqualTo("HYT00"));
            first.rollback();
        }
        assertThat(run("UPDATE t SET v = 3 WHERE id = 2")).as("free again after the rollback").isEqualTo(1);
    }

    @Test
    void anAutoCommitWriteHoldsTheGateOnlyUntilItsStatementIsClosed() throws Exception {
        try (Connection idle = dataSource.getConnection()) {
            idle.prepareStatement("UPDATE t SET v = 4 WHERE id = 1").close();
            assertThat(CompletableFuture.supplyAsync(() -> run("UPDATE t SET v = 5 WHERE id = 2")).get(5, TimeUnit.SECONDS))
                    .as("the idle connection is still open, but its write is over").isEqualTo(1);
        }
    }

    @Test
    void inAutoCommitModeOnlyTheStatementThatTookTheGateGivesItBack() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            var write = connection.prepareStatement("UPDATE t SET v = 8 WHERE id = 1");
            connection.prepareStatement("SELECT v FROM t").close(); // a read's close must not end the write's hold
            CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> run("UPDATE t SET v = 9 WHERE id = 2"));
            assertThatThrownBy(() -> other.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            write.executeUpdate();
            write.close();
            assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void anAbortedConnectionGivesTheGateBack() throws Exception {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        connection.prepareStatement("UPDATE t SET v = 10 WHERE id = 1").executeUpdate();
        connection.abort(Runnable::run);
        assertThat(CompletableFuture.supplyAsync(() -> run("UPDATE t SET v = 11 WHERE id = 2")).get(5, TimeUnit.SECONDS))
                .isEqualTo(1);
    }

    @Test
    void aNestedConnectionOnTheSameThreadDoesNotWaitForItsOwnThread() throws Exception {
        try (Connection outer = dataSource.getConnection()) {
            outer.setAutoCommit(false);
            outer.prepareStatement("UPDATE t SET v = 6 WHERE id = 1").executeUpdate();
            assertThat(run("UPDATE t SET v = 7 WHERE id = 2")).isEqualTo(1);
            outer.commit();
        }
    }

    @Test
    void onlyStatementsThatNeitherChangeNorLockRowsAreReads() {
        assertThat(SerializedWrites.writes("SELECT * FROM shares")).isFalse();
        assertThat(SerializedWrites.writes("  select 1")).isFalse();
        assertThat(SerializedWrites.writes("SELECT * FROM QRTZ_LOCKS WHERE LOCK_NAME = ? FOR UPDATE")).isTrue();
        assertThat(SerializedWrites.writes("INSERT INTO t VALUES (1)")).isTrue();
        assertThat(SerializedWrites.writes("MERGE INTO t KEY (id) VALUES (1)")).isTrue();
        assertThat(SerializedWrites.writes("CALL something()")).as("unknown: taken for a write").isTrue();
        assertThat(SerializedWrites.writes("/* Health Check */ SELECT 1")).as("Dropwizard's health check").isFalse();
        assertThat(SerializedWrites.writes("-- note\nSELECT 1")).isFalse();
        assertThat(SerializedWrites.writes("SELECT * FROM shares WHERE updated_at > ?")).isFalse();
        assertThat(SerializedWrites.writes("SELECT NEXT VALUE FOR seq")).isTrue();
        assertThat(SerializedWrites.writes("SELECT id FROM FINAL TABLE (INSERT INTO t VALUES (3, 0))")).isTrue();
        assertThat(SerializedWrites.writes("WITH x AS (SELECT 1) DELETE FROM t")).isTrue();
        assertThat(SerializedWrites.writes("EXPLAIN ANALYZE UPDATE t SET v = 1")).isTrue();
    }

    @Test
    void postgresInMemoryH2AndH2ServersAreLeftAsTheyAre() {
        assertThat(SerializedWrites.forH2("jdbc:postgresql://127.0.0.1/manila", pool, new WriteGate(1))).isSameAs(pool);
        assertThat(SerializedWrites.forH2("jdbc:h2:mem:x", pool, new WriteGate(1))).isSameAs(pool);
        assertThat(SerializedWrites.forH2("jdbc:h2:tcp://127.0.0.1/x", pool, new WriteGate(1))).isSameAs(pool);
    }

    /** One auto-commit statement on a connection of its own; the update count, or the first column read. */
    private int run(String sql) {
        try (Connection connection = dataSource.getConnection(); var statement = connection.prepareStatement(sql)) {
            if (statement.execute()) {
                try (var rows = statement.getResultSet()) {
                    rows.next();
                    return rows.getInt(1);
                }
            }
            return statement.getUpdateCount();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Texts with long lists of ids vary without end: they are classified each time, never kept (tens of MB). */
    @Test
    void longStatementTextsAreNotRemembered() {
        int before = SerializedWrites.remembered();
        String ids = String.join(", ", java.util.Collections.nCopies(600, ":id"));
        for (int i = 0; i < 200; i++) {
            assertThat(SerializedWrites.writes("SELECT * FROM shares WHERE id IN (" + ids + ") AND size_gb > " + i)).isFalse();
        }
        assertThat(SerializedWrites.remembered()).isEqualTo(before);
        assertThat(SerializedWrites.writes("DELETE FROM shares WHERE id IN (" + ids + ")")).isTrue();
    }
}
