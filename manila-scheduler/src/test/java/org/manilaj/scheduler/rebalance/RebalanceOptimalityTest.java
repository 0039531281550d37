package org.manilaj.scheduler.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.manilaj.scheduler.PoolState;

/**
 * The GiB a rebalance moves against the fewest possible, on 500 small random clusters (3-4 thin pools of one
 * zone, up to 7 shares): every assignment of shares to pools is tried, and the cheapest that ends with every
 * pool within the band and under its overcommit limit is the reference (a lower bound: it ignores the order of
 * moves). The figures are the README's.
 */
class RebalanceOptimalityTest {

    @Test
    void aRebalanceMovesLittleMoreThanTheFewestGibPossible() {
        SplittableRandom random = new SplittableRandom(7);
        double ratioSum = 0;
        double worst = 1;
        int compared = 0;
        int optimal = 0;
        for (int round = 0; round < 500; round++) {
            int poolCount = 3 + random.nextInt(2);
            int shareCount = 2 + random.nextInt(6);
            List<PlanShare> shares = new ArrayList<>();
            long[] provisioned = new long[poolCount];
            for (int i = 0; i < shareCount; i++) {
                int pool = random.nextInt(2); // the first two pools hold everything: something to level
                int size = 1 + random.nextInt(100);
                provisioned[pool] += size;
                shares.add(new PlanShare("s" + i, size, Map.of(), "z", "p" + pool, "available", false));
            }
            List<PlanPool> pools = new ArrayList<>();
            double[] capacity = new double[poolCount];
            for (int i = 0; i < poolCount; i++) {
                capacity[i] = 200 + random.nextInt(400);
                pools.add(new PlanPool(new PoolState("p" + i, capacity[i], capacity[i], provisioned[i], 0, 0, true, 1, "z",
                        Map.of()), "b" + i, true));
            }
            RebalancePlan plan = RebalancePlanner.rebalance(pools, shares, PlanOptions.DEFAULTS);
            if (!plan.complete() || plan.gibMoved() == 0) {
                continue;
            }
            double mean = 0;
            double total = 0;
            for (int i = 0; i < poolCount; i++) {
                mean += provisioned[i];
                total += capacity[i];
            }
            mean /= total;
            long fewest = fewest(shares, capacity, mean - 0.1, mean + 0.1);
            assertThat(fewest).as("a lower bound").isLessThanOrEqualTo(plan.gibMoved());
            double ratio = (double) plan.gibMoved() / fewest;
            ratioSum += ratio;
            worst = Math.max(worst, ratio);
            compared++;
            if (plan.gibMoved() == fewest) {
                optimal++;
            }
        }
        double mean = ratioSum / compared;
        System.out.printf("rebalance GiB moved / fewest possible over %d clusters: mean %.3f, worst %.3f, optimal in %d%n",
                compared, mean, worst, optimal);
        assertThat(compared).isGreaterThan(100);
        assertThat(mean).as("within 10 % of the fewest GiB on average").isLessThanOrEqualTo(1.10);
    }

    /** The fewest GiB moved over every assignment that ends within [low, high] and under each pool's capacity. */
    private static long fewest(List<PlanShare> shares, double[] capacity, double low, double high) {
        int pools = capacity.length;
        long best = Long.MAX_VALUE;
        int[] choice = new int[shares.size()];
        int combinations = (int) Math.pow(pools, shares.size());
        for (int code = 0; code < combinations; code++) {
            int rest = code;
            long[] held = new long[pools];
            long moved = 0;
            for (int i = 0; i < shares.size(); i++) {
                choice[i] = rest % pools;
                rest /= pools;
                held[choice[i]] += shares.get(i).sizeGb();
                if (!shares.get(i).pool().equals("p" + choice[i])) {
                    moved += shares.get(i).sizeGb();
                }
            }
            boolean fits = true;
            for (int p = 0; p < pools && fits; p++) {
                double utilisation = held[p] / capacity[p];
                fits = held[p] <= capacity[p] && utilisation >= low - 1e-9 && utilisation <= high + 1e-9;
            }
            if (fits) {
                best = Math.min(best, moved);
            }
        }
        return best;
    }
}
