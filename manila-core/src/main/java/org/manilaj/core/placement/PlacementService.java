package org.manilaj.core.placement;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.pool.PoolCapabilities;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.pool.PoolHealth;
import org.manilaj.core.pool.PoolRow;
import org.manilaj.core.replication.ReplicaDao;
import org.manilaj.core.replication.ShareReplica;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.work.Lease;
import org.manilaj.scheduler.PlacementRequest;
import org.manilaj.scheduler.PoolScheduler;
import org.manilaj.scheduler.PoolState;
import org.manilaj.scheduler.ThinProvisioning;
import org.manilaj.scheduler.WeighedPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places shares: the scheduler ranks a snapshot of the pools that are up, then capacity is reserved
 * on the best pool with one conditional UPDATE in the database; when another request (in this or
 * another process) took the space first, the next ranked pool is tried. Reservations are what make
 * placement safe with several service processes: the snapshot may be stale, the UPDATE never is.
 *
 * <p>Placements rank a snapshot up to a second old ({@link #SNAPSHOT_NANOS}), kept current with this process's
 * own reservations and dropped when the pools' stats are collected: reading and parsing every pool row for
 * each new share cost more than the ranking. When no pool of a kept snapshot takes the share, placement
 * ranks a fresh one before it says there is no valid host.
 */
public final class PlacementService {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementService.class);

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PoolScheduler scheduler;
    private final PoolHealth health;
    private final String defaultAvailabilityZone;
    private final int maxAttempts;
    private final Clock clock;
    private final AtomicReference<Snapshot> recent = new AtomicReference<>();

    /** How long a snapshot of the pools serves placements. */
    static final long SNAPSHOT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The pools as last read, and when (System.nanoTime). */
    private record Snapshot(List<PoolState> pools, long readAt) {
        /** The snapshot with {@code size} GiB more provisioned on {@code pool} (a reservation made here). */
        Snapshot withReserved(String pool, int size) {
            return new Snapshot(pools.stream().map(state -> !state.name().equals(pool) ? state
                    : new PoolState(state.name(), state.totalCapacityGb(), state.freeCapacityGb(),
                    state.provisionedCapacityGb() + size, state.reservedPercentage(),
                    state.reservedShareExtendPercentage(), state.thinProvisioning(), state.maxOverSubscriptionRatio(),
                    state.availabilityZone(), state.capabilities())).toList(), readAt);
        }
    }

    public PlacementService(Jdbi jdbi, BackendRegistry registry, PoolScheduler scheduler, PoolHealth health,
                            String defaultAvailabilityZone, int maxAttempts, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.scheduler = scheduler;
        this.health = health;
        this.defaultAvailabilityZone = defaultAvailabilityZone;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    /**
     * Reserves capacity for a new share and records the pool on the share, in one transaction.
     *
     * @return the pool, or empty when no pool can hold the share (no valid host)
     */
    public Optional<BackendRegistry.PoolEntry> placeShare(Share share, Map<String, String> extraSpecs, Lease lease) {
        PlacementRequest request = PlacementRequest.create(share.sizeGb(), extraSpecs, share.availabilityZone());
        PlacementRecord record = (handle, pool) -> handle.attach(ShareDao.class).place(share.id(), pool.fullName(),
                availabilityZoneOf(pool), share.sizeGb(), clock.instant());
        return withFreshRetry(pools -> reserveOnFirst(scheduler.rank(request, pools, maxAttempts), share, extraSpecs,
                lease, record));
    }

    /**
     * Before a create request's transaction: the pool the request may reserve on itself ({@link #reserveInRequest}),
     * the best of the recent snapshot; empty when none fits it (the run then places as {@link #placeShare} does, and
     * tells the tenant when no pool can take the share).
     */
    public Optional<BackendRegistry.PoolEntry> firstChoice(Share share, Map<String, String> extraSpecs) {
        PlacementRequest request = PlacementRequest.create(share.sizeGb(), extraSpecs, share.availabilityZone());
        Snapshot kept = recent.get();
        List<PoolState> pools = kept == null || System.nanoTime() - kept.readAt() > SNAPSHOT_NANOS ? snapshot() : kept.pools();
        return scheduler.rank(request, pools, 1).stream().findFirst()
                .flatMap(best -> registry.pool(best.pool().name()));
    }

    /**
     * In a create request's transaction, which inserted the share: reserves its size on {@code pool} and records the
     * pool on the share, so that the run that makes the share has no placement (a transaction, a commit) of its own.
     * One pool only, so that a request locks one backend's row at most (no two requests can wait on each other).
     *
     * @return false when the pool cannot take it now (nothing was changed: the run places the share)
     */
    public boolean reserveInRequest(Handle handle, Share share, BackendRegistry.PoolEntry pool, Map<String, String> extraSpecs) {
        if (!reserveNew(handle, pool, share.sizeGb(), extraSpecs)) {
            return false;
        }
        if (handle.attach(ShareDao.class).place(share.id(), pool.fullName(), availabilityZoneOf(pool), share.sizeGb(),
                clock.instant()) == 0) {
            throw new IllegalStateException("share " + share.id() + " was placed before its request ended");
        }
        handle.afterCommit(() -> counted(pool, share.sizeGb()));
        return true;
    }

    /** In the caller's transaction: the capacity rule's reservation of a new share's or replica's size on the pool. */
    private static boolean reserveNew(Handle handle, BackendRegistry.PoolEntry pool, int size, Map<String, String> extraSpecs) {
        boolean thin = ThinProvisioning.useThinLogic(extraSpecs) && pool.config().thinProvisioning();
        return CapacityLedger.reserveForNew(handle, pool.fullName(), size, thin, pool.config().maxOverSubscriptionRatio(),
                pool.config().reservedPercentage() / 100.0);
    }

    /**
     * Places on the recent snapshot; when that finds no pool, on a fresh one (a pool that came up, was enabled or had
     * space freed since). A pool that got a reservation is counted in the recent snapshot at once.
     */
    private Optional<BackendRegistry.PoolEntry> withFreshRetry(
            Function<List<PoolState>, Optional<BackendRegistry.PoolEntry>> place) {
        Snapshot kept = recent.get();
        boolean fresh = kept == null || System.nanoTime() - kept.readAt() > SNAPSHOT_NANOS;
        Optional<BackendRegistry.PoolEntry> placed = place.apply(fresh ? snapshot() : kept.pools());
        if (placed.isEmpty() && !fresh) {
            placed = place.apply(snapshot());
        }
        return placed;
    }

    /** Counts a reservation this process made in the recent snapshot, so that the next ranking sees it. */
    private void counted(BackendRegistry.PoolEntry pool, int size) {
        recent.updateAndGet(kept -> kept == null ? null : kept.withReserved(pool.fullName(), size));
    }

    /** Drops the recent snapshot: the pools' stats were just collected. */
    public void forgetSnapshot() {
        recent.set(null);
    }

    /**
     * Places a new secondary replica (Manila's ShareReplicationFilter on top of the usual filters): a pool up,
     * in the share's replication domain, on a backend that holds no other replica of the share, in the
     * replica's zone (or the one pool asked for), with its capacity reserved and recorded on the replica in
     * one transaction.
     *
     * @param domain the replication domain of the share's active pool
     * @param takenBackends backends that hold a replica of the share already
     * @return the pool, or empty when none can take the replica
     */
    public Optional<BackendRegistry.PoolEntry> placeReplica(ShareReplica replica, Share share, Map<String, String> extraSpecs,
                                                            String domain, Set<String> takenBackends, Lease lease) {
        PlacementRequest request = PlacementRequest.create(share.sizeGb(), extraSpecs, replica.availabilityZone());
        PlacementRecord record = (handle, pool) -> handle.attach(ReplicaDao.class).place(replica.id(), pool.fullName(),
                availabilityZoneOf(pool), share.sizeGb(), clock.instant());
        return withFreshRetry(pools -> {
            List<PoolState> candidates = pools.stream().filter(state -> {
                BackendRegistry.PoolEntry entry = registry.pool(state.name()).orElseThrow();
                return domain != null && domain.equals(entry.replicationDomain()) && !takenBackends.contains(entry.backend())
                        && (replica.onlyHost() == null || replica.onlyHost().equals(entry.fullName()));
            }).toList();
            return reserveOnFirst(scheduler.rank(request, candidates, maxAttempts), share, extraSpecs, lease, record);
        });
    }

    /** Records where a share or replica was placed, in the reservation's transaction; 0 rows: placed already. */
    private interface PlacementRecord {
        int record(Handle handle, BackendRegistry.PoolEntry pool);
    }

    /**
     * Tries the ranked pools in order (up to {@code max_placement_attempts}): the first whose reservation
     * succeeds gets the share's size, recorded by {@code record} in the same transaction.
     */
    private Optional<BackendRegistry.PoolEntry> reserveOnFirst(List<WeighedPool> ranked, Share share,
                                                               Map<String, String> extraSpecs, Lease lease,
                                                               PlacementRecord record) {
        int attempts = 0;
        for (WeighedPool candidate : ranked) {
            if (attempts++ == maxAttempts) {
                break;
            }
            BackendRegistry.PoolEntry pool = registry.pool(candidate.pool().name()).orElseThrow();
            boolean reserved = jdbi.inTransaction(handle -> {
                if (!lease.hold(handle, "placing", 20)) {
                    throw new Lease.LeaseLostException(lease.operation());
                }
                if (!reserveNew(handle, pool, share.sizeGb(), extraSpecs)) {
                    return false;
                }
                if (record.record(handle, pool) == 0) {
                    handle.rollback();
                    throw new Lease.LeaseLostException(lease.operation());
                }
                return true;
            });
            if (reserved) {
                counted(pool, share.sizeGb());
                return Optional.of(pool);
            }
            LOG.info("share {}: pool {} filled up before the reservation; trying the next pool", share.id(), pool.fullName());
        }
        return Optional.empty();
    }

    /** Gives a replica's reservation back to its pool, in the caller's transaction. */
    public static void releaseReplica(Handle handle, ShareReplica replica) {
        if (replica.host() != null && replica.reservedGb() > 0) {
            handle.attach(PoolDao.class).release(replica.host(), replica.reservedGb());
        }
    }

    /** Gives the share's reservation back to its pool, in the caller's transaction; does nothing twice. */
    public void release(Handle handle, String shareId) {
        ShareDao shares = handle.attach(ShareDao.class);
        handle.attach(ShareReadDao.class).find(shareId).ifPresent(share -> {
            if (share.host() != null && share.reservedGb() > 0 && shares.clearReservation(shareId, share.reservedGb()) == 1) {
                handle.attach(PoolDao.class).release(share.host(), share.reservedGb());
            }
        });
    }

    /**
     * Reserves an extend's increase on the share's pool (Manila's extend check: the increase against
     * {@code reserved_share_extend_percentage}) and records it on the share, in one transaction.
     *
     * @return false when the pool cannot take the increase
     */
    public boolean reserveExtension(Share share, BackendRegistry.PoolEntry pool, Map<String, String> extraSpecs,
                                    int newSize, Lease lease) {
        int increase = newSize - share.reservedGb();
        if (increase <= 0) {
            return true; // reserved before a restart
        }
        return jdbi.inTransaction(handle -> {
            if (!lease.hold(handle, "reserving", 20)) {
                throw new Lease.LeaseLostException(lease.operation());
            }
            boolean thin = ThinProvisioning.useThinLogic(extraSpecs) && pool.config().thinProvisioning();
            if (!CapacityLedger.reserve(handle, pool.fullName(), increase, thin, pool.config().maxOverSubscriptionRatio(),
                    pool.config().reservedShareExtendPercentage() / 100.0)) {
                return false;
            }
            handle.attach(ShareDao.class).setReserved(share.id(), newSize);
            return true;
        });
    }

    /**
     * Reserves an extend's increase for a secondary replica on its own pool, recorded on the replica, in one
     * transaction; false when that pool cannot take it.
     */
    public boolean reserveReplicaExtension(ShareReplica replica, BackendRegistry.PoolEntry pool, Map<String, String> extraSpecs,
                                           int newSize, Lease lease) {
        int increase = newSize - replica.reservedGb();
        if (increase <= 0) {
            return true; // reserved before a restart
        }
        return jdbi.inTransaction(handle -> {
            if (!lease.hold(handle, "reserving replica", 25)) {
                throw new Lease.LeaseLostException(lease.operation());
            }
            boolean thin = ThinProvisioning.useThinLogic(extraSpecs) && pool.config().thinProvisioning();
            if (!CapacityLedger.reserve(handle, pool.fullName(), increase, thin, pool.config().maxOverSubscriptionRatio(),
                    pool.config().reservedShareExtendPercentage() / 100.0)) {
                return false;
            }
            handle.attach(ReplicaDao.class).setReserved(replica.id(), newSize);
            return true;
        });
    }

    /** Sets what a secondary replica holds on its pool to {@code reservedGb}, giving back the difference. */
    public static void reduceReplicaReservation(Handle handle, ShareReplica replica, int reservedGb) {
        int released = replica.reservedGb() - reservedGb;
        if (replica.host() != null && released > 0 && handle.attach(ReplicaDao.class).setReserved(replica.id(), reservedGb) == 1) {
            handle.attach(PoolDao.class).release(replica.host(), released);
        }
    }

    /** Sets what the share holds on its pool to {@code reservedGb}, giving back the difference, in the caller's transaction. */
    public static void reduceReservation(Handle handle, String shareId, int reservedGb) {
        ShareDao shares = handle.attach(ShareDao.class);
        handle.attach(ShareReadDao.class).find(shareId).ifPresent(share -> {
            int released = share.reservedGb() - reservedGb;
            if (share.host() != null && released > 0 && shares.setReserved(shareId, reservedGb) == 1) {
                handle.attach(PoolDao.class).release(share.host(), released);
            }
        });
    }

    public String availabilityZoneOf(BackendRegistry.PoolEntry pool) {
        return pool.config().availabilityZone() != null ? pool.config().availabilityZone() : defaultAvailabilityZone;
    }

    /** The largest share, in GiB, that a create of this type in this zone ({@code null}: any) could be placed with now. */
    public int largestPlaceableGib(Map<String, String> extraSpecs, String availabilityZone) {
        return scheduler.largestPlaceableGib(extraSpecs, availabilityZone, snapshot());
    }

    /** Why a pool cannot take a share, or empty when it can (a migration's destination check). */
    public Optional<String> refusal(String poolName, int sizeGib, Map<String, String> extraSpecs) {
        Optional<PoolState> pool = snapshot().stream().filter(state -> state.name().equals(poolName)).findFirst();
        if (pool.isEmpty()) {
            return Optional.of("Destination host " + poolName + " is not up (no recent stats) or its backend is disabled.");
        }
        if (scheduler.rank(PlacementRequest.create(sizeGib, extraSpecs, null), List.of(pool.get())).isEmpty()) {
            return Optional.of("Destination host " + poolName + " did not pass the capacity and capabilities filters for a "
                    + sizeGib + " GiB share of this share type.");
        }
        return Optional.empty();
    }

    /**
     * The configured pools that are up and whose backend is enabled, with their last stats and allocations, read now
     * (and kept for placements).
     */
    public List<PoolState> snapshot() {
        long readAt = System.nanoTime();
        List<PoolState> states = readPools();
        recent.set(new Snapshot(states, readAt));
        return states;
    }

    private List<PoolState> readPools() {
        List<PoolState> states = new ArrayList<>();
        for (PoolRow row : jdbi.withExtension(PoolDao.class, PoolDao::list)) {
            Optional<BackendRegistry.PoolEntry> configured = registry.pool(row.name());
            if (configured.isEmpty() || !health.isUp(row) || row.backendDisabled()) {
                continue;
            }
            BackendRegistry.PoolEntry entry = configured.get();
            states.add(new PoolState(entry.fullName(), row.totalCapacityGb(), row.freeCapacityGb(),
                    row.allocatedCapacityGb(), entry.config().reservedPercentage(),
                    entry.config().reservedShareExtendPercentage(), entry.config().thinProvisioning(),
                    entry.config().maxOverSubscriptionRatio(), availabilityZoneOf(entry), PoolCapabilities.of(entry, row)));
        }
        return states;
    }
}
