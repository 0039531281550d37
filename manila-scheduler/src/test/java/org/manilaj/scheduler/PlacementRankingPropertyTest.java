package org.manilaj.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * The scheduler's ranking against {@link ReferencePlacement} (the pipeline before it was made cheap) on
 * random pool sets: the same pools, in the same order, with the same weights. Capacities come from small
 * sets so that equal weights (ties keep the snapshot's order) are common, and some are unknown; extra
 * specs mix Manila's operators, booleans in any case, lists, malformed values and scoped keys.
 */
class PlacementRankingPropertyTest {
    private static final List<String> CAPABILITIES = List.of("thin_provisioning", "storage_protocol",
            "driver_handles_share_servers", "snapshot_support", "max_files", "tier", "compression");
    private static final List<String> VALUES = List.of("True", "False", "true", "FALSE", "yes", "No", "on", "off",
            "1", "0", "t", "F", " True ", "maybe", "NFS", "CIFS", "NFS_CIFS", "nfs", "gold", "silver", "100", " 50 ",
            "1e3", "abc", "", "[True, False]", "[False]", "[ ]", "[]", "[NFS, CIFS]", "[100, 5]", "[", "]", "[[True]]",
            "zstd", "lz4", "YES", "İ", "\u212Aeep", "<or>");
    private static final List<String> REQUIREMENTS = List.of("<is> True", "<is> false", "<is> YES", "<is> maybe",
            "<is>", "True", "False", "false", "  yes ", "NFS", "gold", "", ">= 50", "= 10", "== 100", "!= 100",
            "<= 5", ">= abc", "== 1e3", "<in> NFS", "<in> CIFS", "<in>", "<or> NFS <or> CIFS", "<or> zstd <or> lz4",
            "<or>", "s== gold", "s!= gold", "s< m", "s<= gold", "s> gold", "s>= silver", "[True]", "<is>True");
    private static final List<String> SPEC_KEYS = List.of("thin_provisioning", "capabilities:thin_provisioning",
            "storage_protocol", "capabilities:storage_protocol", "driver_handles_share_servers", "snapshot_support",
            "max_files", "tier", "compression", "vendor:compression", "default_qos_type", "capabilities:missing");
    private static final List<String> ZONE_SPECS = List.of("nova", "east, nova", "east", " ", "nova,", ",east");

    record Case(List<PoolState> pools, PlacementRequest request, double multiplier) {
    }

    @Property(tries = 1000)
    void ranksAsTheReferenceDoes(@ForAll("cases") Case c) {
        List<WeighedPool> expected = ReferencePlacement.rank(c.multiplier(), c.request(), c.pools());
        PoolScheduler scheduler = PoolScheduler.manilaDefaults(c.multiplier());

        assertSameRanking(scheduler.rank(c.request(), c.pools()), expected);
        for (int limit : new int[] {0, 1, 3, expected.size(), expected.size() + 5}) {
            assertSameRanking(scheduler.rank(c.request(), c.pools(), limit),
                    expected.subList(0, Math.min(limit, expected.size())));
        }
    }

    /** Large snapshots shaped as the benchmark's: every radix pass runs, ties and all. */
    @Property(tries = 20)
    void ranksLargeSnapshotsAsTheReferenceDoes(@ForAll @IntRange(min = 1000, max = 10_000) int size,
                                               @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<PoolState> pools = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            boolean thin = random.nextBoolean();
            double total = 100 + random.nextInt(random.nextBoolean() ? 10 : 10_000);
            pools.add(new PoolState("h" + i, random.nextInt(50) == 0 ? null : total, total * random.nextDouble(),
                    (long) (total * random.nextDouble() * 3), random.nextInt(10), 0, thin, thin ? 20.0 : 1.0,
                    i % 3 == 0 ? "east" : "nova", Map.of("storage_protocol", "NFS", "driver_handles_share_servers",
                            "False", "thin_provisioning", thin ? "True" : "False")));
        }
        PlacementRequest request = PlacementRequest.create(50, Map.of("driver_handles_share_servers", "False",
                "storage_protocol", "<in> NFS", "thin_provisioning", "<is> True"), "nova");

        assertSameRanking(PoolScheduler.withDefaults().rank(request, pools), ReferencePlacement.rank(1.0, request, pools));
    }

    @Property(tries = 2000)
    void matchesAsTheReferenceDoes(@ForAll("capabilityValues") String capability, @ForAll("requirements") String requirement) {
        assertThat(ExtraSpecMatcher.matches(capability, requirement))
                .as("%s vs %s", capability, requirement)
                .isEqualTo(ReferencePlacement.ExtraSpecMatcher.matches(capability, requirement));
        assertThat(ExtraSpecMatcher.parseBoolean(capability))
                .isEqualTo(ReferencePlacement.ExtraSpecMatcher.parseBoolean(capability));
    }

    @Property(tries = 2000)
    void descendingKeysOrderAsDoubleCompareReversed(@ForAll("weights") double a, @ForAll("weights") double b) {
        assertThat(Integer.signum(Long.compareUnsigned(RankOrder.descendingKey(a), RankOrder.descendingKey(b))))
                .as("%s vs %s", a, b)
                .isEqualTo(Integer.signum(Double.compare(b, a)));
    }

    /** The comparison above would catch a ranking that differs only in how a tie is broken. */
    @Example
    void aSwappedTieIsADifferentRanking() {
        PoolState first = PoolSchedulerTest.thick("h@b#first", 100.0, 50.0);
        PoolState second = PoolSchedulerTest.thick("h@b#second", 100.0, 50.0);
        List<WeighedPool> ranked = PoolScheduler.withDefaults().rank(PlacementRequest.create(1, Map.of(), null),
                List.of(first, second));

        assertThat(names(ranked)).containsExactly("h@b#first", "h@b#second");
        assertThat(ranked).isNotEqualTo(List.of(ranked.get(1), ranked.get(0)));
    }

    private static void assertSameRanking(List<WeighedPool> actual, List<WeighedPool> expected) {
        assertThat(names(actual)).isEqualTo(names(expected));
        // WeighedPool is a record: the same pool state and the same weight, bit for bit (Double.compare)
        assertThat(actual).isEqualTo(expected);
    }

    private static List<String> names(List<WeighedPool> ranked) {
        return ranked.stream().map(w -> w.pool().name()).toList();
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<List<PoolState>> pools = pool().list().ofMinSize(1).ofMaxSize(40)
                .withSizeDistribution(RandomDistribution.uniform()).map(PlacementRankingPropertyTest::named);
        Arbitrary<Map<String, String>> specs = Combinators.combine(
                Arbitraries.maps(Arbitraries.of(SPEC_KEYS), likely(REQUIREMENTS, "<is> True", "False", "<in> NFS", ">= 50"))
                        .ofMaxSize(2),
                Arbitraries.of(ZONE_SPECS).injectNull(0.7)).as((map, zones) -> {
                    Map<String, String> all = new HashMap<>(map);
                    if (zones != null) {
                        all.put("availability_zones", zones);
                    }
                    return all;
                });
        Arbitrary<PlacementRequest> requests = Combinators.combine(Arbitraries.of(1, 1, 5, 50, 200, 5000),
                Arbitraries.of(0, 1, 10), Arbitraries.of(false, false, true), specs,
                Arbitraries.of("nova", "east").injectNull(0.4)).as(PlacementRequest::new);
        return Combinators.combine(pools, requests, Arbitraries.of(1.0, 1.0, -1.0, 0.0, 2.5)).as(Case::new);
    }

    /** Total and free capacity, either unknown. */
    record Capacity(Double total, Double free) {
    }

    /** A pool named later: a snapshot's names are unique, and a tie shows in the order of names. */
    private Arbitrary<PoolState> pool() {
        Arbitrary<Double> total = Arbitraries.of(0.0, 10.0, 100.0, 1000.0, 1500.0).injectNull(0.1);
        Arbitrary<Capacity> capacity = Combinators.combine(total, Arbitraries.of(0.0, 0.1, 0.5, 0.9, 1.0),
                Arbitraries.of(false, false, true)).as((t, fraction, unknownFree) ->
                        new Capacity(t, unknownFree ? null : (t == null ? 100.0 : t) * fraction));
        Arbitrary<Map<String, String>> capabilities =
                Arbitraries.maps(Arbitraries.of(CAPABILITIES), likely(VALUES, "True", "False", "NFS", "100")).ofMinSize(3)
                        .ofMaxSize(7);
        return Combinators.combine(capacity, Arbitraries.of(0L, 50L, 900L), Arbitraries.of(0.0, 5.0, 10.0),
                Arbitraries.of(true, false), Arbitraries.of(0.5, 1.0, 2.0, 20.0),
                Arbitraries.of("nova", "east").injectNull(0.2), capabilities)
                .as((c, provisioned, reserved, thin, ratio, zone, caps) -> new PoolState("?", c.total(), c.free(),
                        provisioned, reserved, reserved * 2, thin, ratio, zone, caps));
    }

    /** Mostly one of the common values, so that a fair share of pools pass the specs; any value otherwise. */
    @SuppressWarnings("unchecked")
    private static Arbitrary<String> likely(List<String> any, String... common) {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(common)), Tuple.of(2, Arbitraries.of(any)));
    }

    private static List<PoolState> named(List<PoolState> pools) {
        List<PoolState> named = new ArrayList<>(pools.size());
        for (int i = 0; i < pools.size(); i++) {
            PoolState p = pools.get(i);
            named.add(new PoolState("h@b#p" + i, p.totalCapacityGb(), p.freeCapacityGb(), p.provisionedCapacityGb(),
                    p.reservedPercentage(), p.reservedShareExtendPercentage(), p.thinProvisioning(),
                    p.maxOverSubscriptionRatio(), p.availabilityZone(), p.capabilities()));
        }
        return named;
    }

    @Provide
    Arbitrary<String> capabilityValues() {
        return Arbitraries.oneOf(Arbitraries.of(VALUES), Arbitraries.strings().withChars("TtRrUuEe[], 10sSyYnN\t")
                .ofMaxLength(8), Arbitraries.strings().ofMaxLength(6));
    }

    @Provide
    Arbitrary<String> requirements() {
        Arbitrary<String> operators = Arbitraries.of("<is>", "<in>", "<or>", "=", "==", "!=", ">=", "<=", "s==", "s!=",
                "s<", "s<=", "s>", "s>=", "");
        Arbitrary<String> composed = Combinators.combine(operators, capabilityValues(), Arbitraries.of(" ", "  ", "\t"))
                .as((operator, operand, space) -> operator + space + operand);
        return Arbitraries.oneOf(Arbitraries.of(REQUIREMENTS), composed, capabilityValues());
    }

    @Provide
    Arbitrary<Double> weights() {
        return Arbitraries.oneOf(Arbitraries.of(0.0, -0.0, 1.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE,
                        Double.longBitsToDouble(0x7ff8000000000001L)),
                Arbitraries.doubles(), Arbitraries.longs().map(Double::longBitsToDouble));
    }
}
