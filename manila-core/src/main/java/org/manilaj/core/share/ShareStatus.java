package org.manilaj.core.share;

import java.util.Optional;
import org.manilaj.core.WireNames;

/** Share statuses, with Manila's wire names. */
public enum ShareStatus {
    CREATING,
    AVAILABLE,
    ERROR,
    DELETING,
    ERROR_DELETING,
    EXTENDING,
    EXTENDING_ERROR,
    SHRINKING,
    SHRINKING_ERROR,
    SHRINKING_POSSIBLE_DATA_LOSS_ERROR,
    MIGRATING,
    /** Replicas trading roles (a promotion). */
    REPLICATION_CHANGE;

    private static final WireNames<ShareStatus> WIRE_NAMES = WireNames.of(values());

    /** Computed once: statuses are compared and written on every request. */
    private final String wireName = WireNames.wireName(this);

    public String wireName() {
        return wireName;
    }

    public static Optional<ShareStatus> fromWireName(String name) {
        return WIRE_NAMES.find(name);
    }
}
