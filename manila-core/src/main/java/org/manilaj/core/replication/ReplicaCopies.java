package org.manilaj.core.replication;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.access.AccessRuleDao;
import org.manilaj.core.access.AccessRules;
import org.manilaj.core.copy.CopyEngine;
import org.manilaj.core.copy.CopyEngines;
import org.manilaj.core.copy.CopyEnds;
import org.manilaj.core.copy.PassControl;
import org.manilaj.core.copy.SnapshotStreamEngine;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.share.Share;
import org.manilaj.core.work.Lease;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the replication steps share: the replicas' rows, the copy engine between two pools (snapshot streams
 * between two btrfs pools, else a file-level copy), the access a secondary gets, and the pruning of the
 * snapshots no replica needs any more.
 */
final class ReplicaCopies {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaCopies.class);
    /** Every replica's snapshot chain starts so ({@link #chain}); no other copy of a share names its snapshots so. */
    private static final String CHAIN_PREFIX = "rep";
    /**
     * The snapshots replication owns: a chain's ({@code rep} and up to 12 letters a-p, {@link #chain}) and what a
     * promotion cut short may leave of a replaced share's old data ({@code retired}); prune touches no other.
     */
    private static final java.util.regex.Pattern OWNED = java.util.regex.Pattern.compile("(rep[a-p]{1,12}|retired)-[0-9]+");

    /**
     * Replication reports no progress and cannot stop a pass half-way: a sync ends when its streams do (bounded
     * by the driver's stream timeout); the runner's heartbeat keeps the lease meanwhile.
     */
    static final PassControl QUIET = new PassControl() {
        @Override
        public void total(long bytes) {
        }

        @Override
        public void progress(long bytes) {
        }

        @Override
        public void closeOnStop(AutoCloseable stream) {
        }
    };

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final Clock clock;
    private final Map<String, CopyEngine> engines = CopyEngines.all();

    ReplicaCopies(Jdbi jdbi, BackendRegistry registry, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    Optional<BackendRegistry.PoolEntry> pool(String host) {
        return host == null ? Optional.empty() : registry.pool(host);
    }

    List<ShareReplica> replicas(String shareId) {
        return jdbi.withExtension(ReplicaDao.class, dao -> dao.forShare(shareId));
    }

    /** Snapshot streams between pools that snapshot alike (point-in-time copies); else a file-level copy, if any. */
    Optional<CopyEngine> engine(Share share, BackendRegistry.PoolEntry from, BackendRegistry.PoolEntry to) {
        if (CopyEngines.snapshotsMatch(from, to)) {
            return Optional.of(engines.get(SnapshotStreamEngine.NAME));
        }
        return CopyEngines.fileLevel(share, from, to).map(engines::get);
    }

    /** The copy from the active replica's pool {@code from} to {@code replica}'s pool {@code to}. */
    static CopyEnds ends(ShareReplica replica, Share share, BackendRegistry.PoolEntry from, BackendRegistry.PoolEntry to) {
        return new CopyEnds(chain(replica), share, from, to);
    }

    /** The snapshot chain of one secondary: letters only, as the host scripts accept, unique per replica. */
    static String chain(ShareReplica replica) {
        StringBuilder letters = new StringBuilder(CHAIN_PREFIX);
        replica.id().chars().filter(c -> Character.digit(c, 16) >= 0).limit(12)
                .forEach(c -> letters.append((char) ('a' + Character.digit(c, 16))));
        return letters.toString();
    }

    /** Runs {@code writes} in a transaction that proves the lease is still ours; stops the run when it is not. */
    void held(Lease lease, String phase, Consumer<Handle> writes) {
        jdbi.useTransaction(handle -> {
            if (!lease.hold(handle, phase, 50)) {
                throw new Lease.LeaseLostException(lease.operation());
            }
            writes.accept(handle);
        });
    }

    /** A readable secondary's clients get the share's rules as read-only; a dr secondary none at all. */
    void applyAccess(Share share, BackendRegistry.PoolEntry pool, ReplicationType type) {
        List<AccessGrant> grants = type == ReplicationType.READABLE ? grants(share, true) : List.of();
        pool.driver().applyAccess(ref(share, pool), grants);
    }

    List<AccessGrant> grants(Share share, boolean readOnly) {
        return AccessRules.grants(jdbi.withExtension(AccessRuleDao.class, dao -> dao.forShare(share.id())), readOnly);
    }

    static ShareRef ref(Share share, BackendRegistry.PoolEntry pool) {
        return new ShareRef(share.id(), pool.pool(), share.sizeGb());
    }

    /**
     * Removes the share's replica snapshots on {@code pool} but those in {@code keep} (the cursors the replicas
     * there still sync from). Best effort: what stays is pruned the next time, and costs only space.
     */
    static void prune(Share share, BackendRegistry.PoolEntry pool, Set<String> keep) {
        Optional<ShareSnapshots> snapshots = pool.driver().snapshots();
        if (snapshots.isEmpty()) {
            return;
        }
        ShareRef ref = ref(share, pool);
        try {
            for (String name : snapshots.get().list(ref)) {
                if (OWNED.matcher(name.substring(share.id().length() + 1)).matches() && !keep.contains(name)) {
                    snapshots.get().delete(ref, name);
                    LOG.debug("share {}: snapshot {} on {} pruned", share.id(), name, pool.fullName());
                }
            }
        } catch (DriverException e) {
            LOG.warn("share {}: replica snapshots on {} stay until the next prune: {}", share.id(), pool.fullName(),
                    e.getMessage());
        }
    }

    /**
     * After the replicas' roles or cursors changed: every pool keeps only the snapshots its replicas sync from,
     * the active's pool those of every secondary.
     */
    void pruneAll(Share share, Lease lease) {
        held(lease, "pruning", handle -> { }); // a run that lost its lease must not delete what the new owner syncs from
        List<ShareReplica> replicas = replicas(share.id());
        Set<String> activeKeeps = new java.util.HashSet<>();
        for (ShareReplica replica : replicas) {
            if (!replica.isActive() && replica.syncCursor() != null) {
                activeKeeps.add(replica.syncCursor());
            }
        }
        pool(share.host()).ifPresent(active -> prune(share, active, activeKeeps));
        for (ShareReplica replica : replicas) {
            if (!replica.isActive()) {
                pool(replica.host()).ifPresent(pool -> prune(share, pool,
                        replica.syncCursor() == null ? Set.of() : Set.of(replica.syncCursor())));
            }
        }
    }
}
