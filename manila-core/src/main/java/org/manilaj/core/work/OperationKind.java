package org.manilaj.core.work;

import org.manilaj.core.WireNames;

/** What a share's pending operation does; each kind is run by its own {@link ShareOperation}. */
public enum OperationKind {
    CREATE, DELETE, EXTEND, SHRINK, ACCESS_SYNC,
    /** Brings a replicated share's replicas where their rows say: create, sync, promote, delete. */
    REPLICATION;

    private static final WireNames<OperationKind> WIRE_NAMES = WireNames.of(values());

    /** Computed once: statuses are compared and written on every request. */
    private final String wireName = WireNames.wireName(this);

    public String wireName() {
        return wireName;
    }

    public static OperationKind fromWireName(String name) {
        return WIRE_NAMES.find(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown operation kind " + name));
    }
}
