package org.manilaj.core.migration;

import org.jdbi.v3.core.Handle;

/** Told of a migration's turns, for whoever started it (the rebalancing job). */
public interface MigrationListener {
    MigrationListener NONE = new MigrationListener() { };

    /** In the roll-back's transaction of a migration that failed (its own record, error included, goes in it). */
    default void failed(Handle handle, ShareMigration migration) {
    }

    /**
     * After a run of the migration reached the end of its first phase, or the migration's end, and the run is over:
     * whoever waits on it can go on now (a complete or cancel called from here starts a run of its own).
     */
    default void settled(ShareMigration migration) {
    }
}
