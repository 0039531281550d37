package org.manilaj.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How background work runs.
 *
 * @param nodeName this process's name in work leases; unique per process sharing a database
 * @param workerThreads threads running driver calls
 * @param lease how long a process owns a share's pending operation before another may take it over
 * @param reconcileInterval how often unattended transitional shares are looked for
 * @param statsInterval how often pools are asked for their capacity
 * @param queueCapacity operations waiting for a worker thread; more wait in the database
 */
public record WorkSettings(String nodeName, int workerThreads, Duration lease, Duration reconcileInterval,
                           Duration statsInterval, int queueCapacity) {
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

    public WorkSettings {
        Objects.requireNonNull(nodeName, "nodeName");
        if (workerThreads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("workerThreads and queueCapacity must be positive");
        }
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("lease must be at least one second (it is renewed every third of it)");
        }
    }

    public WorkSettings(String nodeName, int workerThreads, Duration lease, Duration reconcileInterval, Duration statsInterval) {
        this(nodeName, workerThreads, lease, reconcileInterval, statsInterval, DEFAULT_QUEUE_CAPACITY);
    }
}
