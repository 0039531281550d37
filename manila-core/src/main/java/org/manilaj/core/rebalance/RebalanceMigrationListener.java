package org.manilaj.core.rebalance;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.db.ErrorText;
import org.manilaj.core.migration.MigrationListener;
import org.manilaj.core.migration.ShareMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalancing job's ear on migrations: a move's plan goes on as soon as its migration's first phase is done or
 * it ended (not at the job's next tick), and a failed migration's own error is kept on its move.
 */
public final class RebalanceMigrationListener implements MigrationListener {
    private static final Logger LOG = LoggerFactory.getLogger(RebalanceMigrationListener.class);

    private final Jdbi jdbi;
    private final Runnable tickNow;

    /** @param tickNow runs the rebalancing job now (on some node), in addition to its schedule */
    public RebalanceMigrationListener(Jdbi jdbi, Runnable tickNow) {
        this.jdbi = jdbi;
        this.tickNow = tickNow;
    }

    @Override
    public void failed(Handle handle, ShareMigration migration) {
        if (migration.error() != null) {
            handle.attach(RebalanceDao.class).noteMigrationError(migration.shareId(), migration.destHost(),
                    ErrorText.of(migration.error()));
        }
    }

    @Override
    public void settled(ShareMigration migration) {
        try {
            if (jdbi.withExtension(RebalanceDao.class, dao -> dao.runningMoves(migration.shareId(), migration.destHost())) > 0) {
                tickNow.run();
            }
        } catch (RuntimeException e) { // the scheduled tick comes anyway
            LOG.warn("share {}: could not move its rebalance plan on now: {}", migration.shareId(), e.getMessage());
        }
    }
}
