package org.manilaj.scheduler.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.manilaj.scheduler.PoolState;

/** Worked cases of the planner, and the explanations it gives for the shares it leaves. */
class RebalancePlannerTest {

    private static PlanPool pool(String name, double total, long provisioned, String zone, String tier, boolean usable) {
        return new PlanPool(new PoolState("manila@" + name + "#pool0", total, total - provisioned, provisioned, 0, 0, true, 1,
                zone, Map.of("tier", tier)), name, usable);
    }

    private static List<PlanShare> shares(String pool, int count, int size) {
        List<PlanShare> shares = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            shares.add(new PlanShare(pool + "-" + i, size, Map.of(), "z1", "manila@" + pool + "#pool0", "available", false));
        }
        return shares;
    }

    @Test
    void oneFullPoolAndTwoEmptyOnesEndWithinTheBand() {
        List<PlanPool> pools = List.of(pool("a", 1000, 900, "z1", "gold", true), pool("b", 1000, 0, "z1", "gold", true),
                pool("c", 1000, 0, "z1", "gold", true));
        RebalancePlan plan = RebalancePlanner.rebalance(pools, shares("a", 9, 100), PlanOptions.DEFAULTS);
        assertThat(plan.complete()).as(plan.toString()).isTrue();
        // within ±10 points of the mean (30 %) with the fewest GiB: 500 off the full pool, none more
        assertThat(plan.gibMoved()).isEqualTo(500);
        assertThat(plan.after().get("manila@a#pool0")).isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(plan.after().values()).allSatisfy(utilisation -> assertThat(utilisation).isBetween(0.2 - 1e-9, 0.4 + 1e-9));
        assertThat(plan.spreadBefore()).isEqualTo(0.9);
        assertThat(plan.spreadAfter()).isLessThanOrEqualTo(0.2 + 1e-9);
    }

    @Test
    void aDrainEmptiesTheBackendOntoTheOthers() {
        List<PlanPool> pools = List.of(pool("a", 1000, 300, "z1", "gold", true), pool("b", 1000, 100, "z1", "gold", true),
                pool("c", 1000, 0, "z1", "gold", true));
        List<PlanShare> shares = new ArrayList<>(shares("a", 3, 100));
        shares.addAll(shares("b", 1, 100));
        RebalancePlan plan = RebalancePlanner.drain("a", pools, shares, PlanOptions.DEFAULTS);
        assertThat(RebalancePlanner.drain("a", pools, shares, PlanOptions.DEFAULTS)).as("the same input, the same plan")
                .isEqualTo(plan);
        assertThat(plan.complete()).isTrue();
        assertThat(plan.moves()).extracting(Move::from).containsOnly("manila@a#pool0");
        assertThat(plan.after()).containsEntry("manila@a#pool0", 0.0).containsEntry("manila@b#pool0", 0.2)
                .containsEntry("manila@c#pool0", 0.2);
    }

    static Stream<Arguments> leftShares() {
        return Stream.of(
                Arguments.of(new PlanShare("busy", 10, Map.of(), "z1", "manila@a#pool0", "extending", false),
                        "busy: its status is extending"),
                Arguments.of(new PlanShare("replicated", 10, Map.of(), "z1", "manila@a#pool0", "available", true),
                        "it has replicas (promote one instead)"),
                Arguments.of(new PlanShare("platinum", 10, Map.of("tier", "platinum"), "z1", "manila@a#pool0", "available",
                        false), "no enabled pool in zone z1 accepts its share type"),
                Arguments.of(new PlanShare("elsewhere", 10, Map.of(), "z9", "manila@a#pool0", "available", false),
                        "no enabled pool of another backend in zone z9"),
                Arguments.of(new PlanShare("huge", 5000, Map.of(), "z1", "manila@a#pool0", "available", false),
                        "no enabled pool in zone z1 has room for 5000 GiB"));
    }

    @ParameterizedTest
    @MethodSource("leftShares")
    void aDrainSaysWhyAShareStays(PlanShare share, String reason) {
        List<PlanPool> pools = List.of(pool("a", 10000, share.sizeGb(), "z1", "gold", true),
                pool("b", 1000, 0, "z1", "gold", true), pool("c", 1000, 0, "z2", "platinum", true),
                pool("d", 100000, 0, "z1", "platinum", false));
        RebalancePlan plan = RebalancePlanner.drain("a", pools, List.of(share), PlanOptions.DEFAULTS);
        assertThat(plan.moves()).isEmpty();
        assertThat(plan.complete()).isFalse();
        assertThat(plan.unmovable()).containsExactly(new Unmovable(share.id(), "manila@a#pool0", reason));
    }

    /**
     * What a rebalance says of the shares it leaves on a pool above the band: a 900 GiB share alone on a full pool
     * (90 % of 1000 GiB) and two empty pools (mean 30 %, band up to 40 %): moved anywhere it would end at 90 %.
     */
    static Stream<Arguments> sharesARebalanceLeaves() {
        return Stream.of(
                Arguments.of(new PlanShare("whole", 900, Map.of(), "z1", "manila@a#pool0", "available", false),
                        PlanOptions.DEFAULTS,
                        "no pool in its zone can take it without ending above the band or above its pool"),
                Arguments.of(new PlanShare("whole", 900, Map.of(), "z1", "manila@a#pool0", "available", false),
                        new PlanOptions(10, 1000, 500), RebalancePlanner.LIMIT),
                Arguments.of(new PlanShare("busy", 900, Map.of(), "z1", "manila@a#pool0", "extending", false),
                        PlanOptions.DEFAULTS, "busy: its status is extending"));
    }

    @ParameterizedTest
    @MethodSource("sharesARebalanceLeaves")
    void aRebalanceSaysWhyAShareStays(PlanShare share, PlanOptions options, String reason) {
        List<PlanPool> pools = List.of(pool("a", 1000, 900, "z1", "gold", true), pool("b", 1000, 0, "z1", "gold", true),
                pool("c", 1000, 0, "z1", "gold", true));
        RebalancePlan plan = RebalancePlanner.rebalance(pools, List.of(share), options);
        assertThat(plan.moves()).isEmpty();
        assertThat(plan.complete()).isFalse();
        assertThat(plan.unmovable()).containsExactly(new Unmovable(share.id(), "manila@a#pool0", reason));
    }

    /** Two pools of one backend: a migration cannot move a share between them, so neither may a plan. */
    @Test
    void sharesNeverMoveWithinTheirBackend() {
        List<PlanPool> pools = List.of(new PlanPool(pool("a", 1000, 900, "z1", "gold", true).state(), "same", true),
                new PlanPool(new PoolState("manila@same#pool1", 1000.0, 1000.0, 0, 0, 0, true, 1, "z1", Map.of("tier", "gold")),
                        "same", true));
        RebalancePlan plan = RebalancePlanner.rebalance(pools, shares("a", 9, 100), PlanOptions.DEFAULTS);
        assertThat(plan.moves()).isEmpty();
        assertThat(plan.unmovable()).hasSize(9).allSatisfy(share ->
                assertThat(share.reason()).isEqualTo("no enabled pool of another backend in zone z1"));
    }

    /** With no pool above the band, data goes only to a pool below it (here none can take it: another zone). */
    @Test
    void noMovesBetweenPoolsAlreadyInsideTheBand() {
        List<PlanPool> pools = List.of(pool("a", 1000, 330, "z1", "gold", true), pool("b", 1000, 300, "z1", "gold", true),
                pool("c", 1000, 70, "z2", "gold", true));
        List<PlanShare> shares = new ArrayList<>(shares("a", 33, 10));
        RebalancePlan plan = RebalancePlanner.rebalance(pools, shares, PlanOptions.DEFAULTS);
        assertThat(plan.moves()).isEmpty();
    }

    @Test
    void aRebalanceCutShortByItsLimitsSaysSo() {
        List<PlanPool> pools = List.of(pool("a", 1000, 900, "z1", "gold", true), pool("b", 1000, 0, "z1", "gold", true),
                pool("c", 1000, 0, "z1", "gold", true));
        for (PlanOptions options : List.of(new PlanOptions(10, 2, 10_000), new PlanOptions(10, 1000, 150))) {
            RebalancePlan plan = RebalancePlanner.rebalance(pools, shares("a", 9, 100), options);
            assertThat(plan.complete()).isFalse();
            assertThat(plan.unmovable()).isNotEmpty().allSatisfy(share ->
                    assertThat(share.reason()).isEqualTo(RebalancePlanner.LIMIT));
        }
    }

    @Test
    void limitsLeaveTheRestForALaterPlan() {
        List<PlanPool> pools = List.of(pool("a", 1000, 300, "z1", "gold", true), pool("b", 1000, 0, "z1", "gold", true));
        RebalancePlan plan = RebalancePlanner.drain("a", pools, shares("a", 3, 100), new PlanOptions(10, 1, 1000));
        assertThat(plan.moves()).hasSize(1);
        assertThat(plan.unmovable()).hasSize(2).allSatisfy(share -> assertThat(share.reason()).contains("later plan"));
        assertThat(plan.after()).containsEntry("manila@a#pool0", 0.2);
    }
}
