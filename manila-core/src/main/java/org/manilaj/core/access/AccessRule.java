package org.manilaj.core.access;

import java.time.Instant;
import java.util.Objects;

/**
 * An access rule of a share: who may mount it ({@code ip} + address or CIDR) and how ({@code rw}/{@code ro}).
 * {@code state} is stored as Manila's name; {@link #ruleState()} is its typed form.
 */
public record AccessRule(String id, String shareId, String accessType, String accessTo, String accessLevel,
                         String state, String accessKey, Instant createdAt, Instant updatedAt) {
    public AccessRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(shareId, "shareId");
        Objects.requireNonNull(accessTo, "accessTo");
        if (!"rw".equals(accessLevel) && !"ro".equals(accessLevel)) {
            throw new IllegalArgumentException("access level is rw or ro, not " + accessLevel);
        }
        if (AccessRuleState.fromWireName(state).isEmpty()) {
            throw new IllegalArgumentException("unknown access rule state " + state);
        }
    }

    public AccessRuleState ruleState() {
        return AccessRuleState.fromWireName(state).orElseThrow();
    }
}
