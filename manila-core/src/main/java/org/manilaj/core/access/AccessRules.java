package org.manilaj.core.access;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.manilaj.core.share.ShareDao;

/** What happens to a share's access rules when the work that would have applied them is given up. */
public final class AccessRules {
    private static final List<AccessRuleState> PENDING = List.of(AccessRuleState.QUEUED_TO_APPLY, AccessRuleState.APPLYING,
            AccessRuleState.QUEUED_TO_DENY, AccessRuleState.DENYING);

    private AccessRules() {
    }

    /**
     * What a driver must grant for {@code rules}: the active ones and those being applied, all read-only
     * when {@code readOnly} (a migration's source while it is copied for the last time).
     */
    public static java.util.List<org.manilaj.driver.AccessGrant> grants(java.util.List<AccessRule> rules, boolean readOnly) {
        return rules.stream()
                .filter(rule -> rule.ruleState() == AccessRuleState.APPLYING || rule.ruleState() == AccessRuleState.ACTIVE)
                .map(rule -> new org.manilaj.driver.AccessGrant(rule.accessType(), rule.accessTo(),
                        readOnly || rule.accessLevel().equals("ro")
                                ? org.manilaj.driver.AccessGrant.AccessLevel.RO : org.manilaj.driver.AccessGrant.AccessLevel.RW))
                .toList();
    }

    /** In the caller's transaction: every rule on its way in or out is in error, and the share's access too. */
    public static void failPending(Handle handle, String shareId, Instant now) {
        AccessRuleDao rules = handle.attach(AccessRuleDao.class);
        for (AccessRuleState pending : PENDING) {
            rules.moveAll(shareId, pending.wireName(), AccessRuleState.ERROR.wireName(), now);
        }
        handle.attach(ShareDao.class).setAccessStatus(shareId, "error", now);
    }
}
