package org.manilaj.core.placement;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.manilaj.scheduler.CapacityRule;

/**
 * Reserves capacity on a pool with the scheduler's own {@link CapacityRule} as the only authority: the
 * pool is read, the rule decides, and the allocation grows only if the pool is still as read (a
 * compare-and-set). A concurrent reservation makes the compare fail, and the decision is made again on
 * fresh figures, so several nodes never oversubscribe a pool.
 */
public final class CapacityLedger {
    /** Re-reads after losing a compare-and-set; each loss means another reservation succeeded. */
    private static final int MAX_ROUNDS = 50;

    private CapacityLedger() {
    }

    /** In the caller's transaction: true when {@code size} GiB were added to the pool's allocation. */
    public static boolean reserve(Handle handle, String pool, int size, boolean thin, double ratio, double reservedFraction) {
        return reserve(handle, pool, size, thin, ratio, reservedFraction, false);
    }

    /**
     * As {@link #reserve} for a share, replica or migration that would be new on the pool: refused once its backend
     * is disabled (the scheduler's snapshot may predate a disable or a drain), read under a lock on the backend's row
     * that a disable (or a drain, which plans after taking it) waits for.
     */
    public static boolean reserveForNew(Handle handle, String pool, int size, boolean thin, double ratio,
                                        double reservedFraction) {
        return reserve(handle, pool, size, thin, ratio, reservedFraction, true);
    }

    private static boolean reserve(Handle handle, String pool, int size, boolean thin, double ratio,
                                   double reservedFraction, boolean onlyIfEnabled) {
        ReservationDao pools = handle.attach(ReservationDao.class);
        if (onlyIfEnabled && pools.lockBackendOf(pool).orElse(true)) { // disabled, or a pool nobody recorded
            return false;
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<ReservationDao.Capacity> seen = pools.capacity(pool);
            if (seen.isEmpty()) {
                return false;
            }
            ReservationDao.Capacity capacity = seen.get();
            CapacityRule rule = new CapacityRule(capacity.totalCapacityGb(), capacity.freeCapacityGb(),
                    capacity.allocatedCapacityGb());
            if (!rule.admits(size, thin, ratio, reservedFraction)) {
                return false;
            }
            if (pools.addIfUnchanged(pool, size, capacity) == 1) {
                return true;
            }
        }
        return false; // the pool kept changing under us: treat it as busy, placement tries the next one
    }
}
