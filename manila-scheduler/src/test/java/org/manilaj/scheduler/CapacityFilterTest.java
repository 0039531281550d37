package org.manilaj.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;

class CapacityFilterTest {
    private final CapacityFilter filter = new CapacityFilter();

    static PoolState pool(Double total, Double free, long provisioned, double reserved, boolean thin, double ratio) {
        return new PoolState("h@b#p", total, free, provisioned, reserved, 0, thin, ratio, null, Map.of());
    }

    @ParameterizedTest(name = "total={0} free={1} prov={2} reserved={3}% thin={4} ratio={5} size={6} -> {7}")
    @CsvSource({
        // thick: floor(free - total*reserved) >= size
        "100, 10, 0, 0, false, 1.0, 10, true",
        "100, 10, 0, 0, false, 1.0, 11, false",
        "100, 20, 0, 10, false, 1.0, 10, true",   // 20 - 100*0.10 = 10
        "100, 20, 0, 10, false, 1.0, 11, false",
        "100, 10.9, 0, 0, false, 1.0, 11, false", // floor(10.9) = 10
        // thin: (prov + size)/total <= ratio and floor(free - reserved)*ratio >= size
        "10, 10, 15, 0, true, 2.0, 5, true",      // (15+5)/10 = 2.0
        "10, 10, 16, 0, true, 2.0, 5, false",     // 2.1 > 2.0
        "10, 2, 0, 0, true, 2.0, 5, false",       // 2*2 = 4 < 5
        "10, 3, 0, 0, true, 2.0, 5, true",        // 3*2 = 6 >= 5
        "10, 10, 0, 0, true, 0.5, 1, false",      // invalid ratio on a thin pool
        "0, 10, 0, 0, false, 1.0, 1, false",      // no total
    })
    void matchesManilasFormula(double total, double free, long provisioned, double reserved, boolean thin,
                               double ratio, int size, boolean expected) {
        PlacementRequest request = PlacementRequest.create(size, Map.of(), null);
        assertThat(filter.passes(request, pool(total, free, provisioned, reserved, thin, ratio))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"1, true", "5, true", "6, false"})
    void unknownTotalPassesOnlyWithoutReservationAndEnoughFree(int size, boolean expected) {
        PlacementRequest request = PlacementRequest.create(size, Map.of(), null);
        assertThat(filter.passes(request, pool(null, 5.0, 0, 0, false, 1.0))).isEqualTo(expected);
        assertThat(filter.passes(request, pool(null, 5.0, 0, 1, false, 1.0))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"1", "1000"})
    void unknownFreeAlwaysPasses(int size) {
        assertThat(filter.passes(PlacementRequest.create(size, Map.of(), null), pool(100.0, null, 0, 0, false, 1.0))).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"False, false", "'<is> False', false", "True, true", "'<is> True', true"})
    void thinProvisioningSpecSelectsTheMath(String spec, boolean expected) {
        // thick math fails (free 3 < 5), thin math passes (3 * 2 >= 5)
        PlacementRequest request = PlacementRequest.create(5, Map.of("thin_provisioning", spec), null);
        assertThat(filter.passes(request, pool(10.0, 3.0, 0, 0, true, 2.0))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"4, true", "5, false"})
    void extendChecksTheIncreaseAgainstTheExtendReservation(int increase, boolean expected) {
        PoolState pool = new PoolState("h@b#p", 100.0, 14.0, 0, 50, 10, false, 1.0, null, Map.of());
        PlacementRequest extend = new PlacementRequest(100, increase, true, Map.of(), null);
        assertThat(filter.passes(extend, pool)).isEqualTo(expected); // floor(14 - 100*0.10) = 4
    }

    @ParameterizedTest(name = "total={0} free={1} provisioned={2} thin={3} ratio={4} reserved={5} size={6} -> {7}")
    @CsvFileSource(resources = "/capacity-cases.csv")
    void followsTheSharedTableOfCapacityCases(Double total, Double free, long provisioned, boolean thin, double ratio,
                                              double reserved, int size, boolean admitted) {
        PoolState pool = new PoolState("h@b#p", total, free, provisioned, reserved * 100, 0, thin, ratio, "nova", Map.of());
        assertThat(new CapacityFilter().passes(PlacementRequest.create(size, Map.of(), null), pool)).isEqualTo(admitted);
    }
}
