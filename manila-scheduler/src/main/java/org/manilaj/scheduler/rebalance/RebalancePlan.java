package org.manilaj.scheduler.rebalance;

import java.util.List;
import java.util.Map;

/**
 * An ordered list of moves, each valid against the state the moves before it leave; the shares left where they
 * are with the reason; each pool's utilisation before and after; the spread (highest less lowest utilisation of
 * the pools that take part) before and after; and whether the plan reached its goal (every pool in the band,
 * or the backend emptied).
 */
public record RebalancePlan(List<Move> moves, List<Unmovable> unmovable, Map<String, Double> before,
                            Map<String, Double> after, double spreadBefore, double spreadAfter, boolean complete) {

    public RebalancePlan {
        moves = List.copyOf(moves);
        unmovable = List.copyOf(unmovable);
        before = Map.copyOf(before);
        after = Map.copyOf(after);
    }

    public long gibMoved() {
        return moves.stream().mapToLong(Move::sizeGb).sum();
    }
}
