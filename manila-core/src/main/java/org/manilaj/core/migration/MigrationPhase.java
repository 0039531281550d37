package org.manilaj.core.migration;

import java.util.Locale;
import java.util.Set;

/**
 * Where a migration stands. Every phase but {@link #PHASE1_DONE} is work a job carries on with after a
 * crash; each step records its phase before it acts, and every step may be repeated.
 */
public enum MigrationPhase {
    /** Creating the share on the destination pool (capacity is already held there). */
    STARTING,
    /** Copy passes while the source stays in use. */
    COPYING,
    /** Phase 1 is over: waiting for {@code migration_complete} or {@code migration_cancel}. */
    PHASE1_DONE,
    /** Source read-only, the last pass, the destination's access rules; then the cut-over. */
    COMPLETING,
    /** The share lives on the destination; the source copy is being removed. */
    REMOVING_SOURCE,
    /** Removing what was made on the destination; the source stays. */
    CANCELLING,
    /** Like {@link #CANCELLING}, after a failure: ends in {@code migration_error}. */
    FAILING;

    static final Set<MigrationPhase> RUNNING = Set.of(STARTING, COPYING, COMPLETING, REMOVING_SOURCE, CANCELLING, FAILING);

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MigrationPhase of(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}
