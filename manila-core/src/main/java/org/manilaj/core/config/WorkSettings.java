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
 */
public record WorkSettings(String nodeName, int workerThreads, Duration lease, Duration reconcileInterval,
                           Duration statsInterval) {
    public WorkSettings {
        Objects.requireNonNull(nodeName, "nodeName");
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads must be positive");
        }
    }
}
