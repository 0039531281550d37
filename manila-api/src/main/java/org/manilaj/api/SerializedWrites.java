package org.manilaj.api;

import io.dropwizard.db.ManagedDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Lets one thread at a time write to an embedded H2 database, because H2 (2.5.252 and before) does not
 * survive {@code kill -9} otherwise: with several transactions writing, a killed process reopened with
 * acknowledged commits missing, half-applied transactions, and rows whose lock nobody holds and nobody
 * can take (an {@code UPDATE} of one spins for ever). It resembles h2database issue #2080 (a store written
 * map by map while transactions change the maps). A stress program of 16 writers, killed 60 times per run,
 * hit it in every run; with writes serialized, in none of three.
 *
 * <p>Reads go on in parallel. A connection takes the {@link WriteGate} when it prepares a statement that
 * writes or locks rows, and lets go when its transaction ends (commit, rollback, auto-commit back on,
 * close, abort) or, in auto-commit mode, when the statement that took it is closed. The gate is re-entrant
 * for its thread: a second connection of that thread writes without waiting (no code does so today; a
 * write there to a row the first transaction changed would wait for H2's row lock). A writer that waits
 * longer than the lock timeout gets H2's lock-timeout state (HYT00), which the API answers like a lost
 * race. Connections must not be reclaimed behind the service's back (the pool's {@code removeAbandoned}
 * stays off): one reclaimed while writing would keep the gate.
 *
 * <p>Only for H2 files: PostgreSQL needs none of it, an in-memory H2 has nothing to recover, and an H2
 * server ({@code jdbc:h2:tcp:}) does not die with the service.
 */
final class SerializedWrites {
    /** Statements that may only read; anything else is taken for a write. */
    private static final Pattern READ_ONLY = Pattern.compile("^(SELECT|WITH|VALUES|SHOW|EXPLAIN|TABLE)\\b",
            Pattern.CASE_INSENSITIVE);
    /** What makes a statement that starts like a read write or lock rows anyway. */
    private static final Pattern WRITES_ANYWAY = Pattern.compile(
            "\\b(INSERT|UPDATE|DELETE|MERGE|ANALYZE|NEXT\\s+VALUE\\s+FOR|(FINAL|NEW|OLD)\\s+TABLE)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LEADING_COMMENTS = Pattern.compile("^(\\s+|/\\*.*?\\*/|--[^\\n]*(\\n|$))+",
            Pattern.DOTALL);
    /**
     * Statements classified so far. The service prepares a few hundred distinct texts, each thousands of times, and
     * the patterns above cost more than the statement itself (a fifth of the service's CPU under load). Long texts
     * (lists of ids bound one by one) and any past the limit are classified again each time, so the map stays small.
     */
    private static final Map<String, Boolean> CLASSIFIED = new ConcurrentHashMap<>();
    private static final int CLASSIFIED_LIMIT = 1_024;
    private static final int CLASSIFIED_MAX_LENGTH = 2_048;

    private SerializedWrites() {
    }

    /** Whether {@code url} names an H2 file database, whose writes this serializes. */
    static boolean appliesTo(String url) {
        String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:mem:") && !lower.startsWith("jdbc:h2:tcp:")
                && !lower.startsWith("jdbc:h2:ssl:");
    }

    /** The data source gated when it is an H2 file database, else itself. */
    static ManagedDataSource forH2(String url, ManagedDataSource dataSource, WriteGate gate) {
        if (!appliesTo(url)) {
            return dataSource;
        }
        return proxy(ManagedDataSource.class, dataSource, (target, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Connection connection ? new GatedConnection(connection, gate).proxy() : result;
        });
    }

    static boolean writes(String sql) {
        Boolean known = CLASSIFIED.get(sql);
        if (known != null) {
            return known;
        }
        boolean writes = classify(sql);
        if (sql.length() <= CLASSIFIED_MAX_LENGTH && CLASSIFIED.size() < CLASSIFIED_LIMIT) {
            CLASSIFIED.put(sql, writes);
        }
        return writes;
    }

    /** How many statement texts are remembered (for tests). */
    static int remembered() {
        return CLASSIFIED.size();
    }

    private static boolean classify(String sql) {
        String statement = LEADING_COMMENTS.matcher(sql).replaceFirst("");
        return !READ_ONLY.matcher(statement).find() || WRITES_ANYWAY.matcher(statement).find();
    }

    private static final class GatedConnection {
        private final Connection connection;
        private final WriteGate gate;
        private boolean holding;

        GatedConnection(Connection connection, WriteGate gate) {
            this.connection = connection;
            this.gate = gate;
        }

        Connection proxy() {
            return SerializedWrites.proxy(Connection.class, connection, this::onConnection);
        }

        private Object onConnection(Object target, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "prepareStatement", "prepareCall" -> {
                    boolean entered = writes((String) args[0]) && enter();
                    return gatedStatement(invoke(target, method, args), entered);
                }
                case "createStatement" -> {
                    boolean entered = enter(); // its SQL comes later, with no chance to look first: taken for a write
                    return gatedStatement(invoke(target, method, args), entered);
                }
                case "commit", "rollback" -> {
                    try {
                        return invoke(target, method, args);
                    } finally {
                        if (args == null) { // not a rollback to a savepoint: the transaction is over
                            leave();
                        }
                    }
                }
                case "setAutoCommit" -> {
                    Object result = invoke(target, method, args);
                    if ((Boolean) args[0]) {
                        leave();
                    }
                    return result;
                }
                case "close", "abort" -> {
                    try {
                        return invoke(target, method, args);
                    } finally {
                        leave();
                    }
                }
                default -> {
                    return invoke(target, method, args);
                }
            }
        }

        /** {@code entered}: this statement took the gate, so in auto-commit mode its close gives it back. */
        private Object gatedStatement(Object statement, boolean entered) {
            Class<?> type = statement instanceof CallableStatement ? CallableStatement.class
                    : statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
            if (!entered) {
                return SerializedWrites.proxy(type, statement, SerializedWrites::invoke);
            }
            return SerializedWrites.proxy(type, statement, (target, method, args) -> {
                try {
                    return invoke(target, method, args);
                } finally {
                    if (method.getName().equals("close") && connection.getAutoCommit()) {
                        leave(); // an auto-commit write is over once its statement is
                    }
                }
            });
        }

        /** True when this call took the gate (false when the connection held it already). */
        private synchronized boolean enter() throws SQLException {
            if (holding) {
                return false;
            }
            boolean entered;
            try {
                entered = gate.enter();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLTransientException("interrupted while waiting for the database's write gate", e);
            }
            if (!entered) {
                // H2's own lock-timeout state: the API answers it as a lost race (409), the reconcile job retries
                throw new SQLTransientException("waited more than " + gate.timeoutMillis() + " ms for the database's"
                        + " write gate, held by " + gate.holder(), "HYT00");
            }
            holding = true;
            return true;
        }

        private synchronized void leave() {
            if (holding) {
                holding = false;
                gate.leave();
            }
        }
    }

    private interface Handler {
        Object handle(Object target, Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, Object target, Handler handler) {
        InvocationHandler invocation = (proxy, method, args) -> handler.handle(target, method, args);
        return type.cast(Proxy.newProxyInstance(SerializedWrites.class.getClassLoader(), new Class<?>[] {type}, invocation));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
