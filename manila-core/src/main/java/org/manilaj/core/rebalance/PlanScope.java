package org.manilaj.core.rebalance;

import java.util.List;

/**
 * What a plan covers: the drain of {@code drainBackend}, or a rebalance of every pool ({@code backends} empty) or of
 * the pools of the backends named.
 */
public record PlanScope(String drainBackend, List<String> backends) {
    public PlanScope {
        backends = List.copyOf(backends);
        if (drainBackend != null && !backends.isEmpty()) {
            throw new IllegalArgumentException("a drain empties one backend onto every other");
        }
    }

    public static PlanScope drain(String backend) {
        return new PlanScope(backend, List.of());
    }

    public static PlanScope rebalance(List<String> backends) {
        return new PlanScope(null, backends);
    }

    public boolean isDrain() {
        return drainBackend != null;
    }

    /** Whether a pool of {@code backend} takes part. */
    boolean covers(String backend) {
        return backends.isEmpty() || backends.contains(backend);
    }
}
