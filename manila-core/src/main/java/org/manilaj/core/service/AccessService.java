package org.manilaj.core.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.db.AccessRuleDao;
import org.manilaj.core.db.ShareDao;
import org.manilaj.core.db.ShareReadDao;
import org.manilaj.core.model.AccessRule;
import org.manilaj.core.model.Share;
import org.manilaj.core.model.ShareStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenants' access rule requests: each is recorded (rule queued, share's access status {@code syncing})
 * in one transaction; the {@link ShareWorker} then gives the driver the full set of rules.
 */
public final class AccessService {
    private static final Logger LOG = LoggerFactory.getLogger(AccessService.class);

    private final Jdbi jdbi;
    private final ShareWorker worker;
    private final Clock clock;

    public AccessService(Jdbi jdbi, ShareWorker worker, Clock clock) {
        this.jdbi = jdbi;
        this.worker = worker;
        this.clock = clock;
    }

    public AccessRule allow(RequestContext context, String shareId, String accessType, String accessTo, String accessLevel) {
        String type = AccessRuleValidator.accessType(accessType);
        String to = AccessRuleValidator.accessTo(accessTo);
        String level = AccessRuleValidator.accessLevel(accessLevel);
        Instant now = clock.instant();
        AccessRule rule = new AccessRule(UUID.randomUUID().toString(), shareId, type, to, level, AccessRule.QUEUED_TO_APPLY,
                null, now, now);
        jdbi.useTransaction(handle -> {
            Share share = requireAvailable(handle.attach(ShareReadDao.class), context, shareId);
            AccessRuleDao rules = handle.attach(AccessRuleDao.class);
            boolean duplicate = rules.forShare(share.id()).stream().anyMatch(existing -> existing.accessType().equals(type)
                    && existing.accessTo().equals(to) && !existing.state().equals(AccessRule.QUEUED_TO_DENY)
                    && !existing.state().equals(AccessRule.DENYING));
            if (duplicate) {
                throw ManilaException.badRequest("Share access " + type + ":" + to + " exists.");
            }
            rules.insert(rule);
            handle.attach(ShareDao.class).setAccessStatus(shareId, "syncing", now);
        });
        LOG.info("share {}: allow {} {} {} requested by project {}", shareId, type, to, level, context.projectId());
        worker.submit(shareId);
        return rule;
    }

    public void deny(RequestContext context, String shareId, String accessId) {
        Instant now = clock.instant();
        jdbi.useTransaction(handle -> {
            requireAvailable(handle.attach(ShareReadDao.class), context, shareId);
            AccessRuleDao rules = handle.attach(AccessRuleDao.class);
            AccessRule rule = rules.find(accessId)
                    .filter(found -> found.shareId().equals(shareId))
                    .orElseThrow(() -> ManilaException.notFound("Access rule " + accessId + " could not be found."));
            rules.queueDeny(rule.id(), shareId, now);
            handle.attach(ShareDao.class).setAccessStatus(shareId, "syncing", now);
        });
        LOG.info("share {}: deny of rule {} requested by project {}", shareId, accessId, context.projectId());
        worker.submit(shareId);
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

    private static Share requireAvailable(ShareReadDao shares, RequestContext context, String shareId) {
        Share share = findShare(shares, context, shareId);
        if (share.shareStatus() != ShareStatus.AVAILABLE) {
            throw ManilaException.badRequest("Invalid share: share status must be 'available', not '" + share.status() + "'.");
        }
        return share;
    }
}
