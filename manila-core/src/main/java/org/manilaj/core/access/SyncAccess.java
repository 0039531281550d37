package org.manilaj.core.access;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.hooks.PreHooks;
import org.manilaj.core.messages.MessageAction;
import org.manilaj.core.messages.MessageDetail;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.work.Lease;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.ShareOperation;
import org.manilaj.core.work.TransientRetry;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a share's export in line with its access rules: queued rules become {@code applying} or
 * {@code denying}, the driver gets the whole desired set (so a retry after a crash converges), then
 * they become {@code active} or disappear, or {@code error} when the driver failed. Rules queued while
 * this runs keep the operation for another round.
 */
public final class SyncAccess implements ShareOperation {
    private static final Logger LOG = LoggerFactory.getLogger(SyncAccess.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final TransientRetry retry;
    private final UserMessages messages;
    private final PreHooks preHooks;
    private final Clock clock;

    public SyncAccess(Jdbi jdbi, BackendRegistry registry, UserMessages messages, PreHooks preHooks, TransientRetry retry,
                      Clock clock) {
        this.messages = messages;
        this.preHooks = preHooks;
        this.jdbi = jdbi;
        this.registry = registry;
        this.retry = retry;
        this.clock = clock;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.ACCESS_SYNC;
    }

    @Override
    public void run(Share share, Lease lease) {
        boolean asking = preHooks.asks("share.access.allow");
        // before any transaction (a hook may take its timeout); null when no pre-hook is asked about rules
        Map<String, String> verdicts = asking ? askPreHooks(share) : null;
        List<AccessRule> rules = jdbi.inTransaction(handle -> {
            if (!lease.hold(handle, "applying", 30)) {
                throw new Lease.LeaseLostException(lease.operation());
            }
            AccessRuleDao dao = handle.attach(AccessRuleDao.class);
            Instant now = clock.instant();
            if (verdicts == null) {
                dao.moveAll(share.id(), AccessRuleState.QUEUED_TO_APPLY.wireName(), AccessRuleState.APPLYING.wireName(), now);
            } else {
                // only the rules the hooks were asked about: one queued since waits for the next round, and its own question
                verdicts.forEach((ruleId, refusal) -> {
                    String to = (refusal == null ? AccessRuleState.APPLYING : AccessRuleState.ERROR).wireName();
                    if (dao.moveOne(ruleId, AccessRuleState.QUEUED_TO_APPLY.wireName(), to, now) == 1 && refusal != null) {
                        messages.recordForShare(handle, share.projectId(), share.id(), MessageAction.ALLOW_ACCESS,
                                MessageDetail.HOOK_REFUSED, refusal);
                    }
                });
            }
            dao.moveAll(share.id(), AccessRuleState.QUEUED_TO_DENY.wireName(), AccessRuleState.DENYING.wireName(), now);
            return dao.forShare(share.id());
        });
        List<AccessGrant> grants = AccessRules.grants(rules, false);
        Optional<BackendRegistry.PoolEntry> pool = share.host() == null ? Optional.empty() : registry.pool(share.host());
        try {
            if (pool.isEmpty()) {
                throw new DriverException("pool " + share.host() + " is not configured any more");
            }
            ShareRef ref = new ShareRef(share.id(), pool.get().pool(), share.sizeGb());
            retry.run(() -> pool.get().driver().applyAccess(ref, grants));
        } catch (DriverException | IllegalArgumentException e) {
            LOG.error("share {}: applying {} access rule(s) failed: {}", share.id(), grants.size(), e.getMessage(), e);
            record(share, lease, false);
            return;
        }
        record(share, lease, true);
        LOG.info("share {}: {} access rule(s) in effect", share.id(), grants.size());
    }

    /** Each rule queued to apply, asked about: null when allowed, else the reason a pre-hook refused it with. */
    private Map<String, String> askPreHooks(Share share) {
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (AccessRule rule : jdbi.withExtension(AccessRuleDao.class, dao -> dao.forShare(share.id()))) {
            if (!AccessRuleState.QUEUED_TO_APPLY.wireName().equals(rule.state())) {
                continue;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("access_id", rule.id());
            data.put("access_type", rule.accessType());
            data.put("access_to", rule.accessTo());
            data.put("access_level", rule.accessLevel());
            PreHooks.Verdict verdict = preHooks.ask("share.access.allow", share.id(), share.projectId(), data);
            verdicts.put(rule.id(), verdict.allowed() ? null : verdict.reason());
        }
        return verdicts;
    }

    /** Every rule still on its way in or out is in error, and the share's access too, until an admin looks. */
    @Override
    public void abandon(Share share, Lease lease) {
        jdbi.useTransaction(handle -> {
            if (!lease.hold(handle, "abandoned", 100)) {
                return;
            }
            AccessRules.failPending(handle, share.id(), clock.instant());
            lease.end(handle);
        });
    }

    private void record(Share share, Lease lease, boolean succeeded) {
        jdbi.useTransaction(handle -> {
            ShareDao shares = handle.attach(ShareDao.class);
            Instant now = clock.instant();
            // the share's row before the operation's, in the order allow and deny take them: no deadlock
            shares.lock(share.id(), now);
            if (!lease.hold(handle, "recording", 90)) {
                return;
            }
            AccessRuleDao rules = handle.attach(AccessRuleDao.class);
            if (succeeded) {
                rules.moveAll(share.id(), AccessRuleState.APPLYING.wireName(), AccessRuleState.ACTIVE.wireName(), now);
                rules.deleteDenied(share.id());
                if (shares.markAccessInSync(share.id(), now) == 0) {
                    lease.keepForAnotherRound(handle); // rules were queued meanwhile: the runner goes round again
                    return;
                }
            } else {
                // in error while the backend fails them; AccessRepair tries them again once it answers
                rules.failForRetry(share.id(), AccessRuleState.APPLYING.wireName(), "apply", now);
                rules.failForRetry(share.id(), AccessRuleState.DENYING.wireName(), "deny", now);
                shares.setAccessStatus(share.id(), "error", now);
            }
            lease.finish(handle); // stays too when a change was queued after the rules were read
        });
    }
}
