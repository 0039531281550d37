package org.manilaj.core.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.manilaj.core.ManilaException;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.pool.PoolHealth;
import org.manilaj.core.pool.PoolRow;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.work.OperationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries again the access rules a backend failed (its NFS server was down, its host did not answer) while the backend's
 * stats run succeeds: each rule goes back the way it was going (an allow to be applied, a deny to be removed) and the
 * share gets an access sync. A rule is tried {@link #FIRST_RETRY} after it failed, then after twice as long each time
 * it fails again, up to {@link #LONGEST_WAIT}: a backend that keeps failing costs one try (and one log line) per share
 * every ten minutes. Rules a pre-hook refused, or that an operation abandoned, stay in error.
 */
public final class AccessRepair {
    private static final Logger LOG = LoggerFactory.getLogger(AccessRepair.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    static final Duration LONGEST_WAIT = Duration.ofMinutes(10);

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
        Instant now = clock.instant();
        Set<String> shares = jdbi.withExtension(AccessRuleDao.class, dao -> dao.failedRules(upPools)).stream()
                .filter(rule -> !rule.updatedAt().plus(wait(rule.retryAttempts())).isAfter(now))
                .map(AccessRuleDao.FailedRule::shareId).collect(Collectors.toCollection(LinkedHashSet::new));
        int queued = 0;
        for (String shareId : shares) {
            if (requeue(shareId)) {
                queued++;
                runner.submit(shareId);
            }
        }
        return queued;
    }

    /** How long after its last failure a rule tried {@code attempts} times is tried again. */
    static Duration wait(int attempts) {
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(attempts, 16));
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
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
        } catch (ManilaException | UnableToExecuteStatementException e) {
            // an operation of another kind was recorded meanwhile (the share is busy): the next pass tries again
            LOG.warn("share {}: its failed access rules are left for the next pass: {}", shareId, e.getMessage());
            return false;
        }
    }
}
