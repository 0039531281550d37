package org.manilaj.core.replication;

import java.time.Duration;

/**
 * How replicas are kept up to date.
 *
 * @param interval how often every secondary is synced (Manila's replica_state_update_interval)
 * @param maxLag a secondary whose last successful sync is older than this is {@code out_of_sync}
 */
public record ReplicationSettings(Duration interval, Duration maxLag) {
    public ReplicationSettings {
        if (interval.isNegative() || interval.isZero() || maxLag.compareTo(interval) < 0) {
            throw new IllegalArgumentException("replication: interval must be positive and max_lag at least the interval");
        }
    }
}
