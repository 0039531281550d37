package org.manilaj.core.access;

import java.util.Optional;
import org.manilaj.core.WireNames;

/** Manila's access rule states: {@code queued_to_apply -> applying -> active | error}, {@code queued_to_deny -> denying -> (gone)}. */
public enum AccessRuleState {
    QUEUED_TO_APPLY, APPLYING, ACTIVE, ERROR, QUEUED_TO_DENY, DENYING;

    private static final WireNames<AccessRuleState> WIRE_NAMES = WireNames.of(values());

    /** Computed once: statuses are compared and written on every request. */
    private final String wireName = WireNames.wireName(this);

    public String wireName() {
        return wireName;
    }

    public static Optional<AccessRuleState> fromWireName(String name) {
        return WIRE_NAMES.find(name);
    }

    /** Whether the rule is on its way out (a duplicate of it may be added). */
    public boolean isLeaving() {
        return this == QUEUED_TO_DENY || this == DENYING;
    }
}
