package org.manilaj.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
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
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One rebalancing plan and one drain of a backend, over N pools (two zones, thin and thick, two tiers) holding 100
 * shares per pool placed unevenly (a third of the pools hold most of them), with the default band and no limit on
 * moves or GiB: with the default limit of 1,000 moves the rebalance over 1,000 pools stopped at the limit (it takes
 * 8,932 moves to reach the band; over 100 pools 947 do), so its figure timed a part of the work only. The plans'
 * size and whether they reached the band are printed at the end of each trial (the drains are never complete: a
 * few shares are busy or replicated).
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

    /** The default band, no limit on moves or GiB: the whole plan is timed, not the first 1,000 moves of it. */
    static final PlanOptions UNLIMITED = new PlanOptions(PlanOptions.DEFAULTS.bandPoints(), Integer.MAX_VALUE,
            Long.MAX_VALUE);

    private List<PlanPool> poolList;
    private List<PlanShare> shares;
    private volatile RebalancePlan lastRebalance;
    private volatile RebalancePlan lastDrain;

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
        RebalancePlan plan = RebalancePlanner.rebalance(poolList, shares, UNLIMITED);
        lastRebalance = plan;
        return plan;
    }

    @Benchmark
    public RebalancePlan drain() {
        RebalancePlan plan = RebalancePlanner.drain("backend0", poolList, shares, UNLIMITED);
        lastDrain = plan;
        return plan;
    }

    /** What was timed: the plan's moves and GiB, whether it is complete, and how many shares it left (and why). */
    @TearDown(Level.Trial)
    public void report() {
        print("rebalance", lastRebalance);
        print("drain", lastDrain);
    }

    private void print(String kind, RebalancePlan plan) {
        if (plan == null) {
            return;
        }
        Map<String, Long> left = new TreeMap<>();
        plan.unmovable().forEach(share -> left.merge(share.reason(), 1L, Long::sum));
        System.out.printf("%n%s over %d pools: %d move(s), %d GiB, complete: %s; shares left, by reason: %s%n", kind,
                pools, plan.moves().size(), plan.gibMoved(), plan.complete(), left);
    }
}
