package org.manilaj.core.migration;

import org.jdbi.v3.core.Handle;

/**
 * Told why a migration failed, in the transaction that rolls it back (its own record, error included, goes in that
 * transaction): whoever started it keeps the reason.
 */
@FunctionalInterface
public interface MigrationFailures {
    MigrationFailures NONE = (handle, migration) -> { };

    void failed(Handle handle, ShareMigration migration);
}
