package org.manilaj.core.db;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.extension.ExtensionFactory;
import org.jdbi.v3.core.extension.Extensions;
import org.jdbi.v3.sqlobject.SqlObjectFactory;
import org.manilaj.core.access.AccessRuleDao;
import org.manilaj.core.autoextend.AutoExtendDao;
import org.manilaj.core.events.EventDao;
import org.manilaj.core.hooks.HookDao;
import org.manilaj.core.hooks.UsageReports;
import org.manilaj.core.migration.MigrationDao;
import org.manilaj.core.rebalance.RebalanceDao;
import org.manilaj.core.rebalance.RebalanceService;
import org.manilaj.core.replication.ReplicaDao;
import org.manilaj.core.auth.TokenDao;
import org.manilaj.core.messages.MessageDao;
import org.manilaj.core.placement.ReservationDao;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.quota.QuotaDao;
import org.manilaj.core.share.ExportLocationDao;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareMetadataDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.types.ShareTypeDao;
import org.manilaj.core.work.LeaseDao;
import org.manilaj.core.work.OperationDao;

/**
 * Builds every DAO's SqlObject metadata once, on the {@link Jdbi} itself. Each handle starts from a
 * copy of the Jdbi's metadata cache but keeps what it builds to itself, so without this every request
 * rebuilt the metadata of each DAO it attached (a profile put that at a third of a share read).
 */
public final class DaoMetadata {
    /** Every DAO (DaoMetadataTest checks none is missing: one left out cost a fifth of a millisecond per transaction). */
    static final List<Class<?>> DAOS = List.of(ShareDao.class, ShareReadDao.class, ShareMetadataDao.class, ExportLocationDao.class,
            ShareTypeDao.class, PoolDao.class, ReservationDao.class, MessageDao.class, AccessRuleDao.class, TokenDao.class, QuotaDao.class,
            OperationDao.class, LeaseDao.class, MigrationDao.class, ReplicaDao.class, EventDao.class, HookDao.class, AutoExtendDao.class,
            RebalanceDao.class, RebalanceService.PlanDao.class, UsageReports.PlacedDao.class);

    private DaoMetadata() {
    }

    public static void preload(Jdbi jdbi) {
        Extensions extensions = jdbi.getConfig(Extensions.class);
        ExtensionFactory factory = extensions.findFactory(SqlObjectFactory.class)
                .orElseThrow(() -> new IllegalStateException("the SqlObject plugin is not installed"));
        DAOS.forEach(dao -> extensions.findMetadata(dao, factory));
    }
}
