package org.manilaj.core.share;

import java.util.Optional;
import org.manilaj.core.WireNames;

/**
 * Manila's task states of a share (its {@code task_state}), in the order a migration passes them;
 * {@code null} on a share means no task. Migration sets them; today nothing else does.
 */
public enum TaskState {
    MIGRATION_STARTING, MIGRATION_IN_PROGRESS, MIGRATION_DRIVER_STARTING, MIGRATION_DRIVER_IN_PROGRESS,
    MIGRATION_DRIVER_PHASE1_DONE, DATA_COPYING_STARTING, DATA_COPYING_IN_PROGRESS, DATA_COPYING_COMPLETING,
    DATA_COPYING_COMPLETED, MIGRATION_COMPLETING, MIGRATION_SUCCESS, MIGRATION_ERROR, MIGRATION_CANCEL_IN_PROGRESS,
    MIGRATION_CANCELLED, DATA_COPYING_CANCELLED, DATA_COPYING_ERROR;

    private static final WireNames<TaskState> WIRE_NAMES = WireNames.of(values());

    /** Computed once: statuses are compared and written on every request. */
    private final String wireName = WireNames.wireName(this);

    public String wireName() {
        return wireName;
    }

    public static Optional<TaskState> fromWireName(String name) {
        return WIRE_NAMES.find(name);
    }
}
