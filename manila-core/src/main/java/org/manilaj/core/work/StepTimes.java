package org.manilaj.core.work;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one run of an operation spent its time, step by step: each {@link #lap} closes the step that began at the
 * previous one. Read by the metrics ({@code manila_operation_step_seconds}), so that the breakdown of a create or a
 * delete comes from the service itself rather than from log lines. Used by one thread, the run's.
 */
public final class StepTimes {
    private final Map<String, Duration> steps = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /** Ends the step named {@code step} now (a step lapped twice adds up). */
    public void lap(String step) {
        long now = System.nanoTime();
        steps.merge(step, Duration.ofNanos(now - last), Duration::plus);
        last = now;
    }

    /** The steps in the order they ended. */
    public Map<String, Duration> steps() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(steps));
    }
}
