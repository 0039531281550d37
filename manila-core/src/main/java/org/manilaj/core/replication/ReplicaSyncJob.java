package org.manilaj.core.replication;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.OperationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic replication pass (a Quartz job, one node at a time when clustered): secondaries not synced
 * within {@code max_lag} become {@code out_of_sync}, and every share with a secondary due gets a replication
 * run, unless it is busy (then the next pass tries again).
 */
public final class ReplicaSyncJob implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSyncJob.class);

    private final Jdbi jdbi;
    private final OperationRunner runner;
    private final ReplicationSettings settings;
    private final Clock clock;

    public ReplicaSyncJob(Jdbi jdbi, OperationRunner runner, ReplicationSettings settings, Clock clock) {
        this.jdbi = jdbi;
        this.runner = runner;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public void run() {
        Instant now = clock.instant();
        int lagging = jdbi.withExtension(ReplicaDao.class, dao -> dao.markLagging(now.minus(settings.maxLag()), now));
        if (lagging > 0) {
            LOG.warn("{} replica(s) not synced within {}: out_of_sync", lagging, settings.maxLag());
        }
        // half an interval early: a sync that began a little after the last pass's tick is due at this one, not
        // at the next (which would double the lag)
        Instant dueBefore = now.minus(settings.interval().dividedBy(2));
        List<String> due = jdbi.withExtension(ReplicaDao.class, dao -> dao.needingWork(dueBefore));
        int started = 0;
        for (String shareId : due) {
            if (runner.startIfIdle(shareId, OperationKind.REPLICATION)) {
                started++;
            }
        }
        LOG.debug("replication pass: {} share(s) due, {} started", due.size(), started);
    }
}
