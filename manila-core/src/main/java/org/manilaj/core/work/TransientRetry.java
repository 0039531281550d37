package org.manilaj.core.work;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedRunnable;
import dev.failsafe.function.CheckedSupplier;
import java.time.Duration;
import org.manilaj.driver.TimedOutException;
import org.manilaj.driver.TransientDriverException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver calls retried with exponential backoff while they fail transiently (a host that refuses or
 * drops the connection); a permanent failure, a command that ran past its time limit, or a failure that outlasts
 * the retries, is the caller's to record.
 */
public final class TransientRetry {
    private static final Logger LOG = LoggerFactory.getLogger(TransientRetry.class);

    private final RetryPolicy<Object> policy;

    public TransientRetry(Duration firstDelay, Duration maxDelay, int maxRetries) {
        this.policy = RetryPolicy.builder()
                .handle(TransientDriverException.class)
                // a command that hung is not tried again: each try would hold a worker for the whole time limit
                .abortOn(TimedOutException.class)
                .withBackoff(firstDelay, maxDelay)
                .withMaxRetries(maxRetries)
                .onRetry(event -> LOG.warn("transient driver failure (attempt {}), retrying: {}", event.getAttemptCount(),
                        event.getLastException().getMessage()))
                .build();
    }

    public static TransientRetry defaults() {
        return new TransientRetry(Duration.ofMillis(200), Duration.ofSeconds(5), 6);
    }

    public <T> T get(CheckedSupplier<T> call) {
        return Failsafe.with(policy).get(call);
    }

    public void run(CheckedRunnable call) {
        Failsafe.with(policy).run(call);
    }
}
