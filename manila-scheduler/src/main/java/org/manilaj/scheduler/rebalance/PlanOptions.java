package org.manilaj.scheduler.rebalance;

/**
 * How far a plan may go: every pool's utilisation within {@code bandPoints} percentage points of the mean, at
 * most {@code maxMoves} moves and {@code maxGib} GiB moved.
 */
public record PlanOptions(double bandPoints, int maxMoves, long maxGib) {
    public static final PlanOptions DEFAULTS = new PlanOptions(10, 1000, Long.MAX_VALUE);

    public PlanOptions {
        if (bandPoints < 0 || bandPoints > 100 || maxMoves < 0 || maxGib < 0) {
            throw new IllegalArgumentException("band 0-100 points, limits not negative");
        }
    }
}
