package org.manilaj.core.access;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.pool.PoolHealth;
import org.manilaj.core.pool.PoolRow;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.work.OperationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries again the access rules a backend failed (its NFS server was down, its host did not answer) once the backend's
 * stats run succeeds again: each rule goes back the way it was going (an allow to be applied, a deny to be removed)
 * and the share gets an access sync. Rules a pre-hook refused, or that an operation abandoned, stay in error.
 */
public final class AccessRepair {
    private static final Logger LOG = LoggerFactory.getLogger(AccessRepair.class);

    private final Jdbi jdbi;
    private final OperationRunner runner;
    private final PoolHealth health;
    private final Clock clock;

    public AccessRepair(Jdbi jdbi, OperationRunner runner, PoolHealth health, Clock clock) {
        this.jdbi = jdbi;
        this.runner = runner;
        this.health = health;
        this.clock = clock;
    }

    /** One pass, run with the reconcile job; returns how many shares got their failed rules queued again. */
    public int retryFailedRules() {
        Set<String> upPools = jdbi.withExtension(PoolDao.class, PoolDao::list).stream().filter(health::isUp)
                .map(PoolRow::name).collect(Collectors.toSet());
        if (upPools.isEmpty()) {
            return 0;
        }
        List<String> shares = jdbi.withExtension(AccessRuleDao.class, dao -> dao.sharesWithFailedRules(upPools));
        int queued = 0;
        for (String shareId : shares) {
            if (requeue(shareId)) {
                queued++;
                runner.submit(shareId);
            }
        }
        return queued;
    }

    private boolean requeue(String shareId) {
        Instant now = clock.instant();
        try {
            return jdbi.inTransaction(handle -> {
                // as an allow does: only while the share is available, its row locked against a concurrent change
                if (handle.attach(ShareDao.class).startAccessSync(shareId, now) == 0) {
                    handle.rollback();
                    return false;
                }
                int rules = handle.attach(AccessRuleDao.class).requeueFailed(shareId, now);
                if (rules == 0) {
                    handle.rollback(); // another node took them meanwhile
                    return false;
                }
                runner.queueAccessSync(handle, shareId);
                LOG.info("share {}: trying again {} access rule(s) its backend failed, now that it answers", shareId, rules);
                return true;
            });
        } catch (UnableToExecuteStatementException e) {
            LOG.debug("share {}: access rules left for the next pass: {}", shareId, e.getMessage());
            return false; // an operation of another kind was recorded meanwhile
        }
    }
}
