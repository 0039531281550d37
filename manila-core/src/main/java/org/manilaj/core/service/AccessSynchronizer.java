package org.manilaj.core.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.db.AccessRuleDao;
import org.manilaj.core.db.ShareDao;
import org.manilaj.core.model.AccessRule;
import org.manilaj.core.model.Share;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a share's export in line with its access rules, under the share's work lease: queued rules
 * become {@code applying}/{@code denying}, the driver gets the whole desired set (so a retry after a
 * crash converges), then they become {@code active} or disappear, or {@code error} when the driver failed.
 */
final class AccessSynchronizer {
    private static final Logger LOG = LoggerFactory.getLogger(AccessSynchronizer.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final Clock clock;
    private final String owner;

    AccessSynchronizer(Jdbi jdbi, BackendRegistry registry, Clock clock, String owner) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.clock = clock;
        this.owner = owner;
    }

    void sync(Share share) {
        List<AccessRule> rules = jdbi.inTransaction(handle -> {
            AccessRuleDao dao = handle.attach(AccessRuleDao.class);
            Instant now = clock.instant();
            dao.moveAll(share.id(), AccessRule.QUEUED_TO_APPLY, AccessRule.APPLYING, now);
            dao.moveAll(share.id(), AccessRule.QUEUED_TO_DENY, AccessRule.DENYING, now);
            return dao.forShare(share.id());
        });
        List<AccessGrant> grants = rules.stream()
                .filter(rule -> rule.state().equals(AccessRule.APPLYING) || rule.state().equals(AccessRule.ACTIVE))
                .map(rule -> new AccessGrant(rule.accessType(), rule.accessTo(),
                        rule.accessLevel().equals("ro") ? AccessGrant.AccessLevel.RO : AccessGrant.AccessLevel.RW))
                .toList();
        Optional<BackendRegistry.PoolEntry> pool = registry.pool(share.host());
        try {
            if (pool.isEmpty()) {
                throw new DriverException("pool " + share.host() + " is not configured any more");
            }
            pool.get().driver().applyAccess(new ShareRef(share.id(), pool.get().pool(), share.sizeGb()), grants);
        } catch (DriverException | IllegalArgumentException e) {
            LOG.error("share {}: applying {} access rule(s) failed: {}", share.id(), grants.size(), e.getMessage(), e);
            record(share, AccessRule.ERROR, false);
            return;
        }
        record(share, AccessRule.ACTIVE, true);
        LOG.info("share {}: {} access rule(s) in effect", share.id(), grants.size());
    }

    private void record(Share share, String appliedState, boolean succeeded) {
        jdbi.useTransaction(handle -> {
            AccessRuleDao rules = handle.attach(AccessRuleDao.class);
            ShareDao shares = handle.attach(ShareDao.class);
            Instant now = clock.instant();
            rules.moveAll(share.id(), AccessRule.APPLYING, appliedState, now);
            if (succeeded) {
                rules.deleteDenied(share.id());
                shares.markAccessInSync(share.id(), now);
            } else {
                rules.moveAll(share.id(), AccessRule.DENYING, AccessRule.ERROR, now);
                shares.setAccessStatus(share.id(), "error", now);
            }
            shares.finish(share.id(), share.status(), share.status(), owner, now);
        });
    }
}
