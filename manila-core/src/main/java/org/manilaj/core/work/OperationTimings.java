package org.manilaj.core.work;

import java.time.Duration;
import java.util.Map;

/**
 * How long an operation took from its request to the end of the run that finished it, and that run's steps:
 * {@code handoff} (from the operation's recording, in the request's transaction, to this run's start: the commit, the
 * wait for a worker, and any earlier run that did not finish it), {@code lease} (reading and, unless it was recorded
 * here a moment ago, claiming the operation), then the operation's own ({@code placement}, {@code driver},
 * {@code record}...) and {@code rest} (what follows its last step, and the whole of a run that ended early).
 */
public record OperationTimings(OperationKind kind, Duration total, Map<String, Duration> steps) {
    public OperationTimings {
        steps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(steps)); // in the order they ended
    }
}
