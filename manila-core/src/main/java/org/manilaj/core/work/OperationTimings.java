package org.manilaj.core.work;

import java.time.Duration;
import java.util.Map;

/**
 * How long an operation took from its request to the end of the run that finished it, and that run's steps:
 * {@code handoff} (from the request's commit to a worker taking it up), {@code lease} (reading and, unless it was
 * recorded here a moment ago, claiming the operation), then the operation's own ({@code placement}, {@code driver},
 * {@code record}...).
 */
public record OperationTimings(OperationKind kind, Duration total, Map<String, Duration> steps) {
    public OperationTimings {
        steps = Map.copyOf(steps);
    }
}
