package org.manilaj.core.access;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.ShareService;
import org.manilaj.core.work.OperationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenants' access rule requests: each is recorded (rule queued, share's access status {@code syncing})
 * in one transaction; the {@link OperationRunner} then gives the driver the full set of rules.
 */
public final class AccessService {
    private static final Logger LOG = LoggerFactory.getLogger(AccessService.class);

    private final Jdbi jdbi;
    private final OperationRunner runner;
    private final Clock clock;

    public AccessService(Jdbi jdbi, OperationRunner runner, Clock clock) {
        this.jdbi = jdbi;
        this.runner = runner;
        this.clock = clock;
    }

    public AccessRule allow(RequestContext context, String shareId, String accessType, String accessTo, String accessLevel) {
        String type = AccessRuleValidator.accessType(accessType);
        String to = AccessRuleValidator.accessTo(accessTo);
        String level = AccessRuleValidator.accessLevel(accessLevel);
        Instant now = clock.instant();
        AccessRule rule = new AccessRule(UUID.randomUUID().toString(), shareId, type, to, level,
                AccessRuleState.QUEUED_TO_APPLY.wireName(), null, now, now);
        jdbi.useTransaction(handle -> {
            // The status check and the share row's lock in one statement: a concurrent extend, shrink or
            // delete either came first (this is refused) or waits; identical allows queue up behind it.
            startSync(handle, context, shareId);
            AccessRuleDao rules = handle.attach(AccessRuleDao.class);
            boolean duplicate = rules.forShare(shareId).stream().anyMatch(existing -> existing.accessType().equals(type)
                    && existing.accessTo().equals(to) && !existing.ruleState().isLeaving());
            if (duplicate) {
                throw ManilaException.badRequest("Share access " + type + ":" + to + " exists.");
            }
            rules.insert(rule);
            runner.queueAccessSync(handle, shareId);
        });
        LOG.info("share {}: allow {} {} {} requested by project {}", shareId, type, to, level, context.projectId());
        runner.submit(shareId);
        return rule;
    }

    public void deny(RequestContext context, String shareId, String accessId) {
        Instant now = clock.instant();
        jdbi.useTransaction(handle -> {
            startSync(handle, context, shareId);
            AccessRuleDao rules = handle.attach(AccessRuleDao.class);
            AccessRule rule = rules.find(accessId)
                    .filter(found -> found.shareId().equals(shareId))
                    .orElseThrow(() -> ManilaException.notFound("Access rule " + accessId + " could not be found."));
            rules.queueDeny(rule.id(), shareId, now);
            runner.queueAccessSync(handle, shareId);
        });
        LOG.info("share {}: deny of rule {} requested by project {}", shareId, accessId, context.projectId());
        runner.submit(shareId);
    }

    public List<AccessRule> list(RequestContext context, String shareId) {
        return jdbi.withHandle(handle -> {
            findShare(handle.attach(ShareReadDao.class), context, shareId);
            return handle.attach(AccessRuleDao.class).forShare(shareId);
        });
    }

    public AccessRule get(RequestContext context, String accessId) {
        // Another project's rule is "not found" like a missing one: its share is not revealed.
        return jdbi.withHandle(handle -> handle.attach(AccessRuleDao.class).find(accessId)
                .filter(rule -> context.admin() || handle.attach(ShareReadDao.class)
                        .findInProject(rule.shareId(), context.projectId()).isPresent()))
                .orElseThrow(() -> ManilaException.notFound("Access rule " + accessId + " could not be found."));
    }

    private static Share findShare(ShareReadDao shares, RequestContext context, String shareId) {
        return ShareService.visible(shares, context, shareId);
    }

    /** In the caller's transaction: the share must be visible and available; it is then marked syncing. */
    private void startSync(Handle handle, RequestContext context, String shareId) {
        findShare(handle.attach(ShareReadDao.class), context, shareId);
        if (handle.attach(ShareDao.class).startAccessSync(shareId, clock.instant()) == 0) {
            String status = handle.attach(ShareReadDao.class).find(shareId).map(Share::status).orElse("deleted");
            throw ManilaException.badRequest("Invalid share: share status must be 'available', not '" + status + "'.");
        }
    }
}
