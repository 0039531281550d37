package org.manilaj.core.db;

import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Inserts that may race with an identical insert from another request: the database's unique key
 * decides, and the loser learns it lost instead of failing its whole transaction (a savepoint keeps
 * PostgreSQL's transaction usable after the violation).
 */
public final class DuplicateKeys {
    private static final String UNIQUE_VIOLATION = "23505";

    private DuplicateKeys() {
    }

    /** Runs {@code insert}; returns false, with nothing changed, when a row with the same key exists. */
    public static boolean insertUnlessPresent(Handle handle, Runnable insert) {
        if (!handle.isInTransaction()) {
            try {
                insert.run(); // auto-commit: a failed statement changes nothing
                return true;
            } catch (UnableToExecuteStatementException e) {
                if (!isDuplicateKey(e)) {
                    throw e;
                }
                return false;
            }
        }
        String savepoint = "before_insert";
        handle.savepoint(savepoint);
        try {
            insert.run();
            handle.releaseSavepoint(savepoint);
            return true;
        } catch (UnableToExecuteStatementException e) {
            if (!isDuplicateKey(e)) {
                throw e;
            }
            handle.rollbackToSavepoint(savepoint);
            return false;
        }
    }

    public static boolean isDuplicateKey(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
