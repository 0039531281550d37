package org.manilaj.core.share;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

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

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ShareStatus> fromWireName(String name) {
        return Arrays.stream(values()).filter(status -> status.wireName().equals(name)).findFirst();
    }
}
