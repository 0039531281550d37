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
    SHRINKING_POSSIBLE_DATA_LOSS_ERROR;

    private static final WireNames<ShareStatus> WIRE_NAMES = WireNames.of(values());

    public String wireName() {
        return WireNames.wireName(this);
    }

    public static Optional<ShareStatus> fromWireName(String name) {
        return WIRE_NAMES.find(name);
    }
}
