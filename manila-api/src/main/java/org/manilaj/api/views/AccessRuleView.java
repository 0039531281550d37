package org.manilaj.api.views;

import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.core.access.AccessRule;
import org.manilaj.core.access.AccessRuleState;

/** Access rules as Manila shows them at a microversion (transitional states from 2.28, times from 2.33, metadata from 2.45). */
public final class AccessRuleView {
    private AccessRuleView() {
    }

    public static Map<String, Object> render(AccessRule rule, ApiVersion version, boolean withShareId) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", rule.id());
        if (withShareId) {
            view.put("share_id", rule.shareId());
        }
        view.put("access_level", rule.accessLevel());
        view.put("access_to", rule.accessTo());
        view.put("access_type", rule.accessType());
        view.put("state", state(rule.state(), version));
        if (version.atLeast(2, 21)) {
            view.put("access_key", rule.accessKey());
        }
        if (version.atLeast(2, 33)) {
            view.put("created_at", Timestamps.format(rule.createdAt()));
            view.put("updated_at", rule.updatedAt().equals(rule.createdAt()) ? null : Timestamps.format(rule.updatedAt()));
        }
        if (version.atLeast(2, 45)) {
            view.put("metadata", Map.of());
        }
        return view;
    }

    /** Before 2.28 clients knew only new, active and error. */
    private static String state(String state, ApiVersion version) {
        if (version.atLeast(2, 28)) {
            return state;
        }
        return switch (AccessRuleState.fromWireName(state).orElseThrow()) {
            case QUEUED_TO_APPLY, APPLYING -> "new";
            case QUEUED_TO_DENY, DENYING -> "active";
            default -> state;
        };
    }
}
