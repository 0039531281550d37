package org.manilaj.core.service;

import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.db.ShareDao;
import org.manilaj.core.model.ShareStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds shares whose pending operation nobody is running (its process died, or a submission was
 * dropped) and hands them to the {@link ShareWorker}. Runs at start-up and periodically.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final List<String> RESUMABLE = List.of(ShareStatus.CREATING.wireName(), ShareStatus.DELETING.wireName(),
            ShareStatus.EXTENDING.wireName(), ShareStatus.SHRINKING.wireName());

    private final Jdbi jdbi;
    private final ShareWorker worker;
    private final Clock clock;

    public Reconciler(Jdbi jdbi, ShareWorker worker, Clock clock) {
        this.jdbi = jdbi;
        this.worker = worker;
        this.clock = clock;
    }

    /** Submits every unattended share; returns how many were submitted. */
    public int reconcileOnce() {
        List<String> unattended = jdbi.withExtension(ShareDao.class,
                shares -> shares.findUnattended(RESUMABLE, worker.nodeName(), clock.instant()));
        int submitted = 0;
        for (String shareId : unattended) {
            if (!worker.isInFlight(shareId)) {
                worker.submit(shareId);
                submitted++;
            }
        }
        if (submitted > 0) {
            LOG.info("resuming the pending operation of {} share(s)", submitted);
        }
        return submitted;
    }
}
