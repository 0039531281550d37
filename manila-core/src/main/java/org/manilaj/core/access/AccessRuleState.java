package org.manilaj.core.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Manila's access rule states: {@code queued_to_apply -> applying -> active | error}, {@code queued_to_deny -> denying -> (gone)}. */
public enum AccessRuleState {
    QUEUED_TO_APPLY, APPLYING, ACTIVE, ERROR, QUEUED_TO_DENY, DENYING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AccessRuleState> fromWireName(String name) {
        return Arrays.stream(values()).filter(state -> state.wireName().equals(name)).findFirst();
    }

    /** Whether the rule is on its way out (a duplicate of it may be added). */
    public boolean isLeaving() {
        return this == QUEUED_TO_DENY || this == DENYING;
    }
}
