package org.manilaj.scheduler.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;
import org.manilaj.scheduler.CapabilitiesFilter;
import org.manilaj.scheduler.CapacityFilter;
import org.manilaj.scheduler.PlacementRequest;
import org.manilaj.scheduler.PoolState;

/**
 * The planner on random clusters (no jqwik edge cases: a cluster whose every share is busy plans nothing) (2–50 pools in two zones, thin and thick, two tiers of capabilities, some
 * pools disabled; up to 2,000 shares, some busy or replicated): every move, replayed by an independent
 * bookkeeping, passes the scheduler's rules; a share moves at most once and only if it may; the highest
 * utilisation never rises; the limits hold; the same input gives the same plan; a drain leaves nothing on its
 * backend whenever a brute-force search finds a placement for every share.
 */
class RebalancePlannerPropertyTest {

    /** A random cluster: the pools (provisioned = what the shares on them hold) and the shares. */
    record ClusterCase(List<PlanPool> pools, List<PlanShare> shares) {
    }

    /** Pools of 1-50 TiB: 2,000 shares fill them to about half, unevenly. */
    @Provide
    Arbitrary<ClusterCase> clusters() {
        return clusters(2, 50, 2000, 1000, 50_000);
    }

    /** A few small pools, often too small for what must move: drains that may or may not fit. */
    @Provide
    Arbitrary<ClusterCase> smallClusters() {
        return clusters(2, 4, 6, 50, 600);
    }

    /** Sizes drawn uniformly (jqwik favours small lists): big clusters are as likely as small ones. */
    private static Arbitrary<ClusterCase> clusters(int minPools, int maxPools, int maxShares, int minTotal, int maxTotal) {
        Arbitrary<List<PoolSeed>> pools = Arbitraries.integers().between(minPools, maxPools)
                .withDistribution(RandomDistribution.uniform()).flatMap(n -> poolSeed(minTotal, maxTotal).list().ofSize(n));
        return pools.flatMap(seeds -> Arbitraries.integers().between(0, maxShares)
                .withDistribution(RandomDistribution.uniform())
                .flatMap(n -> shareSeed(seeds.size()).list().ofSize(n)).map(shares -> build(seeds, shares)));
    }

    record PoolSeed(int total, boolean thin, int ratio, int reserved, int freePercent, String tier, int zone,
                    boolean usable) {
    }

    record ShareSeed(int size, int pool, String tier, boolean busy, boolean replicated) {
    }

    private static Arbitrary<PoolSeed> poolSeed(int minTotal, int maxTotal) {
        return Combinators.combine(Arbitraries.integers().between(minTotal, maxTotal), Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 10), Arbitraries.integers().between(0, 10),
                Arbitraries.integers().between(30, 100), Arbitraries.of("gold", "silver"), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 9).map(n -> n != 0)).as(PoolSeed::new);
    }

    private static Arbitrary<ShareSeed> shareSeed(int pools) {
        return Combinators.combine(Arbitraries.integers().between(1, 300), Arbitraries.integers().between(0, pools - 1),
                Arbitraries.of("gold", "silver", "any", "any"), Arbitraries.integers().between(0, 19).map(n -> n == 0),
                Arbitraries.integers().between(0, 19).map(n -> n == 0)).as(ShareSeed::new);
    }

    private static ClusterCase build(List<PoolSeed> poolSeeds, List<ShareSeed> shareSeeds) {
        long[] provisioned = new long[poolSeeds.size()];
        List<PlanShare> shares = new ArrayList<>();
        for (int i = 0; i < shareSeeds.size(); i++) {
            ShareSeed seed = shareSeeds.get(i);
            provisioned[seed.pool()] += seed.size();
            Map<String, String> specs = seed.tier().equals("any") ? Map.of() : Map.of("tier", seed.tier());
            shares.add(new PlanShare(String.format("s%04d", i), seed.size(), specs, "z" + poolSeeds.get(seed.pool()).zone(),
                    poolName(seed.pool()), seed.busy() ? "extending" : "available", seed.replicated()));
        }
        List<PlanPool> pools = new ArrayList<>();
        for (int i = 0; i < poolSeeds.size(); i++) {
            PoolSeed seed = poolSeeds.get(i);
            pools.add(new PlanPool(new PoolState(poolName(i), (double) seed.total(), seed.total() * seed.freePercent() / 100.0,
                    provisioned[i], seed.reserved(), 0, seed.thin(), seed.ratio(), "z" + seed.zone(),
                    Map.of("tier", seed.tier())), "b" + i / 2, seed.usable()));
        }
        return new ClusterCase(pools, shares);
    }

    private static String poolName(int i) {
        return String.format("manila@b%d#p%02d", i / 2, i);
    }

    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void everyRebalanceMoveKeepsTheRulesAndTheHighestUtilisationNeverRises(@ForAll("clusters") ClusterCase cluster) {
        RebalancePlan plan = RebalancePlanner.rebalance(cluster.pools(), cluster.shares(), PlanOptions.DEFAULTS);
        // not vacuous: most clusters are big and get moves
        Statistics.label("moves").collect(plan.moves().isEmpty() ? "none" : "some");
        Statistics.label("shares").collect(cluster.shares().size() < 500 ? "under 500" : "500 or more");
        Statistics.label("moves").coverage(coverage -> coverage.check("some").percentage(p -> p >= 40));
        Replay replay = new Replay(cluster);
        double highest = replay.highest();
        for (Move move : plan.moves()) {
            replay.check(move);
            double now = replay.highest();
            assertThat(now).as("highest utilisation after " + move).isLessThanOrEqualTo(highest + 1e-9);
            highest = now;
        }
        assertThat(plan.spreadAfter()).isLessThanOrEqualTo(plan.spreadBefore() + 1e-9);
        assertThat(RebalancePlanner.rebalance(cluster.pools(), cluster.shares(), PlanOptions.DEFAULTS))
                .as("the same input, the same plan").isEqualTo(plan);
    }

    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void limitsHold(@ForAll("clusters") ClusterCase cluster) {
        PlanOptions options = new PlanOptions(5, 7, 400);
        for (RebalancePlan plan : List.of(RebalancePlanner.rebalance(cluster.pools(), cluster.shares(), options),
                RebalancePlanner.drain("b0", cluster.pools(), cluster.shares(), options))) {
            assertThat(plan.moves()).hasSizeLessThanOrEqualTo(7);
            assertThat(plan.gibMoved()).isLessThanOrEqualTo(400);
            Replay replay = new Replay(cluster);
            plan.moves().forEach(replay::check);
        }
    }

    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void aDrainMovesOnlyOffItsBackendAndListsWhatStays(@ForAll("clusters") ClusterCase cluster) {
        RebalancePlan plan = RebalancePlanner.drain("b0", cluster.pools(), cluster.shares(), PlanOptions.DEFAULTS);
        Replay replay = new Replay(cluster, "b0");
        plan.moves().forEach(move -> {
            assertThat(move.from()).startsWith("manila@b0#");
            replay.check(move);
        });
        Set<String> accounted = new HashSet<>();
        plan.moves().forEach(move -> accounted.add(move.shareId()));
        plan.unmovable().forEach(share -> accounted.add(share.shareId()));
        cluster.shares().stream().filter(share -> share.pool().startsWith("manila@b0#"))
                .forEach(share -> assertThat(accounted).as("every share of the drained backend").contains(share.id()));
        assertThat(plan.complete()).isEqualTo(plan.unmovable().isEmpty());
        assertThat(RebalancePlanner.drain("b0", cluster.pools(), cluster.shares(), PlanOptions.DEFAULTS))
                .as("the same input, the same plan").isEqualTo(plan);
    }

    @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
    void aDrainEmptiesTheBackendWheneverSomePlacementCan(@ForAll("smallClusters") ClusterCase cluster) {
        Statistics.label("drain").collect(cluster.shares().stream().anyMatch(share -> share.pool().startsWith("manila@b0#"))
                ? "shares to move" : "nothing to move");
        Statistics.label("drain").coverage(coverage -> coverage.check("shares to move").percentage(p -> p >= 40));
        RebalancePlan plan = RebalancePlanner.drain("b0", cluster.pools(), cluster.shares(), PlanOptions.DEFAULTS);
        List<PlanShare> movable = cluster.shares().stream().filter(share -> share.pool().startsWith("manila@b0#"))
                .filter(share -> share.status().equals("available") && !share.hasReplicas()).toList();
        boolean feasible = bruteForce(new Replay(cluster, "b0"), movable);
        assertThat(plan.unmovable().stream().allMatch(share -> share.reason().startsWith("busy")
                || share.reason().startsWith("it has replicas"))).as("plan %s, feasible %s", plan, feasible)
                .isEqualTo(feasible);
    }

    /** Whether the shares can all move, in some order, each to some pool: every order and pool tried. */
    private static boolean bruteForce(Replay replay, List<PlanShare> shares) {
        if (shares.isEmpty()) {
            return true;
        }
        for (PlanShare share : shares) {
            for (String pool : replay.poolNames()) {
                if (replay.allows(share, pool)) {
                    Replay next = replay.copy();
                    next.move(share, pool);
                    List<PlanShare> rest = new ArrayList<>(shares);
                    rest.remove(share);
                    if (bruteForce(next, rest)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Independent bookkeeping of a plan's moves: what each pool holds, checked with the scheduler's rules. */
    static final class Replay {
        private final Map<String, PlanPool> pools = new HashMap<>();
        private final Map<String, PlanShare> shares = new HashMap<>();
        private final Map<String, Long> provisioned = new HashMap<>();
        private final Map<String, Double> free = new HashMap<>();
        private final Set<String> moved = new HashSet<>();
        private final String drained;

        Replay(ClusterCase cluster) {
            this(cluster, null);
        }

        Replay(ClusterCase cluster, String drained) {
            this.drained = drained;
            cluster.pools().forEach(pool -> {
                pools.put(pool.name(), pool);
                provisioned.put(pool.name(), pool.state().provisionedCapacityGb());
                free.put(pool.name(), pool.state().freeCapacityGb());
            });
            cluster.shares().forEach(share -> shares.put(share.id(), share));
        }

        private Replay(Replay other) {
            this.drained = other.drained;
            pools.putAll(other.pools);
            shares.putAll(other.shares);
            provisioned.putAll(other.provisioned);
            free.putAll(other.free);
            moved.addAll(other.moved);
        }

        Replay copy() {
            return new Replay(this);
        }

        List<String> poolNames() {
            return pools.keySet().stream().sorted().toList();
        }

        boolean allows(PlanShare share, String poolName) {
            PlanPool pool = pools.get(poolName);
            if (!pool.usable() || pool.backend().equals(drained) || poolName.equals(share.pool())
                    || pools.get(share.pool()).backend().equals(pool.backend())
                    || !share.zone().equals(pool.state().availabilityZone())) {
                return false;
            }
            PoolState now = new PoolState(poolName, pool.state().totalCapacityGb(), free.get(poolName),
                    provisioned.get(poolName), pool.state().reservedPercentage(), 0, pool.state().thinProvisioning(),
                    pool.state().maxOverSubscriptionRatio(), pool.state().availabilityZone(), pool.state().capabilities());
            PlacementRequest request = PlacementRequest.create(share.sizeGb(), share.extraSpecs(), share.zone());
            return new CapabilitiesFilter().passes(request, now) && new CapacityFilter().passes(request, now);
        }

        void move(PlanShare share, String to) {
            provisioned.merge(share.pool(), -(long) share.sizeGb(), Long::sum);
            provisioned.merge(to, (long) share.sizeGb(), Long::sum);
            free.computeIfPresent(to, (name, gb) -> gb - share.sizeGb());
            shares.put(share.id(), new PlanShare(share.id(), share.sizeGb(), share.extraSpecs(), share.zone(), to,
                    share.status(), share.hasReplicas()));
        }

        void check(Move move) {
            PlanShare share = shares.get(move.shareId());
            assertThat(share.pool()).as("source of " + move).isEqualTo(move.from());
            assertThat(moved.add(share.id())).as("moved once: " + move).isTrue();
            assertThat(share.status()).isEqualTo("available");
            assertThat(share.hasReplicas()).isFalse();
            assertThat(allows(share, move.to())).as("the rules allow " + move).isTrue();
            move(share, move.to());
        }

        /** The highest utilisation among the usable pools of known size (those the balance is about). */
        double highest() {
            return pools.values().stream().filter(pool -> pool.usable() && pool.capacityGb() > 0)
                    .mapToDouble(pool -> provisioned.get(pool.name()) / pool.capacityGb()).max().orElse(0);
        }
    }
}
