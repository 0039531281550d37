package org.manilaj.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolSchedulerTest {

    static PoolState thick(String name, Double total, Double free) {
        return new PoolState(name, total, free, 0, 0, 0, false, 1.0, null, Map.of());
    }

    static PoolState thin(String name, double total, double free, long provisioned, double ratio) {
        return new PoolState(name, total, free, provisioned, 0, 0, true, ratio, null, Map.of());
    }

    @Test
    void ranksPoolsWithMoreFreeCapacityFirstAndDropsPoolsThatCannotFit() {
        List<WeighedPool> ranked = PoolScheduler.withDefaults().rank(PlacementRequest.create(5, Map.of(), null),
                List.of(thick("h@b#small", 100.0, 10.0), thick("h@b#full", 100.0, 2.0), thick("h@b#big", 100.0, 60.0)));
        assertThat(ranked).extracting(w -> w.pool().name()).containsExactly("h@b#big", "h@b#small");
        assertThat(ranked).extracting(WeighedPool::weight).containsExactly(1.0, 0.0);
    }

    @Test
    void thinPoolsAreWeighedByVirtualFreeCapacity() {
        // virtual free: 10*20 - 150 = 50 versus 100*1 - 0 = 100 on the thick-ish pool
        List<WeighedPool> ranked = PoolScheduler.withDefaults().rank(PlacementRequest.create(1, Map.of(), null),
                List.of(thin("h@b#a", 10, 10, 150, 20), thin("h@b#b", 100, 100, 0, 1)));
        assertThat(ranked).extracting(w -> w.pool().name()).containsExactly("h@b#b", "h@b#a");
    }

    @Test
    void negativeMultiplierStacksShares() {
        PoolScheduler stacking = new PoolScheduler(List.of(new CapacityFilter()), List.of(new CapacityWeigher(-1.0)));
        List<WeighedPool> ranked = stacking.rank(PlacementRequest.create(1, Map.of(), null),
                List.of(thick("h@b#big", 100.0, 90.0), thick("h@b#small", 100.0, 5.0)));
        assertThat(ranked.get(0).pool().name()).isEqualTo("h@b#small");
    }

    @Test
    void unknownCapacityRanksLastWithPositiveMultiplier() {
        List<WeighedPool> ranked = PoolScheduler.withDefaults().rank(PlacementRequest.create(1, Map.of(), null),
                List.of(thick("h@b#unknown", null, null), thick("h@b#known", 100.0, 5.0)));
        assertThat(ranked).extracting(w -> w.pool().name()).containsExactly("h@b#known", "h@b#unknown");
    }

    @Test
    void normalisationGivesZeroWhenAllWeightsAreEqual() {
        assertThat(WeightNormalizer.normalize(new double[] {3, 3, 3})).containsExactly(0, 0, 0);
        assertThat(WeightNormalizer.normalize(new double[] {0, 5, 10})).containsExactly(0, 0.5, 1);
    }

    @Test
    void onlyPoolsOfTheRequestedAvailabilityZonePass() {
        PoolState east = new PoolState("h@b#east", 100.0, 10.0, 0, 0, 0, false, 1.0, "east", Map.of());
        PoolState west = new PoolState("h@b#west", 100.0, 90.0, 0, 0, 0, false, 1.0, "west", Map.of());
        assertThat(PoolScheduler.withDefaults().rank(PlacementRequest.create(1, Map.of(), "east"), List.of(east, west)))
                .extracting(w -> w.pool().name()).containsExactly("h@b#east");
        assertThat(PoolScheduler.withDefaults().rank(PlacementRequest.create(1, Map.of(), null), List.of(east, west)))
                .extracting(w -> w.pool().name()).containsExactly("h@b#west", "h@b#east");
    }

    @Test
    void largestPlaceableShareIsTheBoundTheFiltersDrawOnTheRoomiestPool() {
        PoolScheduler scheduler = PoolScheduler.withDefaults();
        // thin 100 GiB x 2 with 150 provisioned: 50 more; thick with 30.6 free: 30 (whole GiB); thin, zone elsewhere
        List<PoolState> pools = List.of(thin("h@b#thin", 100.0, 90.0, 150, 2.0), thick("h@b#thick", 100.0, 30.6),
                new PoolState("h@b#east", 1000.0, 1000.0, 0, 0, 0, true, 1.0, "east", Map.of()));
        assertThat(scheduler.largestPlaceableGib(Map.of(), null, pools.subList(0, 2))).isEqualTo(50);
        assertThat(scheduler.largestPlaceableGib(Map.of(), null, pools)).isEqualTo(1000);
        assertThat(scheduler.largestPlaceableGib(Map.of(), "west", List.of(pools.get(2)))).isZero();
        assertThat(scheduler.largestPlaceableGib(Map.of(), null, List.of(thick("h@b#full", 100.0, 0.5)))).isZero();
        // what it reports is admitted; one GiB more is not
        assertThat(scheduler.rank(PlacementRequest.create(50, Map.of(), null), pools.subList(0, 1))).hasSize(1);
        assertThat(scheduler.rank(PlacementRequest.create(51, Map.of(), null), pools.subList(0, 1))).isEmpty();
    }
}
