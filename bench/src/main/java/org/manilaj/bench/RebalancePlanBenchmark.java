package org.manilaj.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.manilaj.scheduler.PoolState;
import org.manilaj.scheduler.rebalance.PlanOptions;
import org.manilaj.scheduler.rebalance.PlanPool;
import org.manilaj.scheduler.rebalance.PlanShare;
import org.manilaj.scheduler.rebalance.RebalancePlan;
import org.manilaj.scheduler.rebalance.RebalancePlanner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One rebalancing plan (the default band and limits: up to 1,000 moves) and one drain of a backend, over N pools
 * (two zones, thin and thick, two tiers) holding 100 shares per pool placed unevenly (a third of the pools hold
 * most of them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class RebalancePlanBenchmark {
    @Param({"100", "1000"})
    int pools;

    private List<PlanPool> poolList;
    private List<PlanShare> shares;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        int shareCount = pools * 100;
        long[] provisioned = new long[pools];
        shares = new ArrayList<>(shareCount);
        for (int i = 0; i < shareCount; i++) {
            int pool = random.nextInt(3) == 0 ? random.nextInt(pools) : random.nextInt(Math.max(1, pools / 3));
            int size = 1 + random.nextInt(100);
            provisioned[pool] += size;
            String tier = pool % 2 == 0 ? "gold" : "silver";
            shares.add(new PlanShare("share-" + i, size, random.nextInt(4) == 0 ? Map.of("tier", tier) : Map.of(),
                    pool % 3 == 0 ? "east" : "nova", name(pool), random.nextInt(50) == 0 ? "extending" : "available",
                    random.nextInt(50) == 0));
        }
        poolList = new ArrayList<>(pools);
        for (int i = 0; i < pools; i++) {
            boolean thin = i % 4 != 0;
            double total = 20_000 + random.nextInt(20_000);
            poolList.add(new PlanPool(new PoolState(name(i), total, total * 0.8, provisioned[i], 5, 0, thin, thin ? 2.0 : 1.0,
                    i % 3 == 0 ? "east" : "nova", Map.of("tier", i % 2 == 0 ? "gold" : "silver")), "backend" + i / 2, true));
        }
    }

    private static String name(int pool) {
        return "host@backend" + pool / 2 + "#pool" + pool;
    }

    @Benchmark
    public RebalancePlan rebalance() {
        return RebalancePlanner.rebalance(poolList, shares, PlanOptions.DEFAULTS);
    }

    @Benchmark
    public RebalancePlan drain() {
        return RebalancePlanner.drain("backend0", poolList, shares, PlanOptions.DEFAULTS);
    }
}
