package org.manilaj.core.pool;

import java.time.Instant;

/**
 * A pool's last reported stats; capacities in GiB, {@code null} = unknown; {@code backendDisabled}: an admin
 * disabled its backend (it gets no new shares); {@code backendStatsError}: why the backend's last stats run failed
 * (its host is down or refused us), null when it succeeded.
 */
public record PoolRow(String name, String backend, String pool, Double totalCapacityGb, Double freeCapacityGb,
                      long allocatedCapacityGb, String capabilities, Instant statsUpdatedAt, boolean backendDisabled,
                      String backendStatsError) {
}
