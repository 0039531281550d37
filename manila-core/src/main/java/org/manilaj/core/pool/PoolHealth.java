package org.manilaj.core.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a pool's stats are fresh enough to place shares on it. Stats are expected every
 * {@code statsInterval}; a pool whose stats are more than {@code downTime} overdue (or that never
 * reported) is down and gets no new shares.
 */
public final class PoolHealth {
    private final Clock clock;
    private final Duration staleAfter;

    public PoolHealth(Clock clock, Duration statsInterval, Duration downTime) {
        this.clock = clock;
        this.staleAfter = statsInterval.plus(downTime);
    }

    /**
     * A pool is up while its stats are fresh and its backend's last stats run succeeded: a host that stopped answering
     * is down from its first failed run, not only once its last good stats go stale.
     */
    public boolean isUp(PoolRow pool) {
        return isUp(pool.statsUpdatedAt()) && pool.backendStatsError() == null;
    }

    public boolean isUp(Instant statsUpdatedAt) {
        return statsUpdatedAt != null && !statsUpdatedAt.plus(staleAfter).isBefore(clock.instant());
    }
}
