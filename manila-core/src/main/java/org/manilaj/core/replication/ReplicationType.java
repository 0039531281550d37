package org.manilaj.core.replication;

import java.util.Map;
import java.util.Optional;
import org.manilaj.core.ManilaException;

/** A share type's {@code replication_type}: what its secondaries offer before they are promoted. */
public enum ReplicationType {
    /** Secondaries exported read-only, with the share's access rules cast to {@code ro}. */
    READABLE("readable"),
    /** Secondaries not exported at all until promoted. */
    DR("dr");

    public static final String EXTRA_SPEC = "replication_type";

    private final String wireName;

    ReplicationType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The type's replication, or empty when its shares are not replicated. */
    public static Optional<ReplicationType> of(Map<String, String> extraSpecs) {
        String value = extraSpecs.get(EXTRA_SPEC);
        return value == null ? Optional.empty() : Optional.of(parse(value));
    }

    /** A valid extra spec value, or a 400 that says why not. */
    public static ReplicationType parse(String value) {
        for (ReplicationType type : values()) {
            if (type.wireName.equals(value)) {
                return type;
            }
        }
        if ("writable".equals(value)) {
            throw ManilaException.badRequest("replication_type 'writable' needs storage that replicates synchronously;"
                    + " these backends replicate by periodic copies. Use 'readable' or 'dr'.");
        }
        throw ManilaException.badRequest("replication_type must be 'readable' or 'dr', not '" + value + "'.");
    }
}
