package org.manilaj.core.share;

import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.access.SyncAccess;
import org.manilaj.core.config.WorkSettings;
import org.manilaj.core.hooks.PreHooks;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.replication.ReplicateShare;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.OperationRunner;
import org.manilaj.core.work.TransientRetry;

/** The runner of share operations with every kind registered: what a service process runs. */
public final class ShareOperations {
    private ShareOperations() {
    }

    public static OperationRunner runner(Jdbi jdbi, BackendRegistry registry, PlacementService placement,
                                         ShareTypeService shareTypes, UserMessages messages, QuotaService quotas,
                                         WorkSettings settings, TransientRetry retry, Clock clock) {
        return runner(jdbi, registry, placement, shareTypes, messages, quotas, settings, retry, PreHooks.NONE, clock);
    }

    /** With the pre-hooks asked before a create or an access allow is carried out. */
    public static OperationRunner runner(Jdbi jdbi, BackendRegistry registry, PlacementService placement,
                                         ShareTypeService shareTypes, UserMessages messages, QuotaService quotas,
                                         WorkSettings settings, TransientRetry retry, PreHooks preHooks, Clock clock) {
        return new OperationRunner(jdbi, settings, clock).register(List.of(
                new CreateShare(jdbi, registry, placement, shareTypes, messages, preHooks, retry, clock),
                new DeleteShare(jdbi, registry, placement, quotas, messages, retry, clock),
                new ExtendShare(jdbi, registry, placement, shareTypes, messages, quotas, retry, clock),
                new ShrinkShare(jdbi, registry, placement, messages, quotas, retry, clock),
                new SyncAccess(jdbi, registry, messages, preHooks, retry, clock),
                new ReplicateShare(jdbi, registry, placement, shareTypes, quotas, retry, clock)));
    }
}
