package org.manilaj.core.autoextend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The policy read from a type's extra specs, and the size it asks for. */
class AutoExtendPolicyTest {
    private static final long GIB = 1L << 30;

    @Test
    void offUnlessEnabled() {
        assertThat(AutoExtendPolicy.of(Map.of())).isEmpty();
        assertThat(AutoExtendPolicy.of(Map.of("autoextend:enabled", "false", "autoextend:max_gib", "5"))).isEmpty();
    }

    @Test
    void defaultsAreEightyPercentAndTwentyPercentMoreAtLeastOneGib() {
        AutoExtendPolicy policy = AutoExtendPolicy.of(Map.of("autoextend:enabled", "True")).orElseThrow();
        assertThat(policy.nextSize(10, 8 * GIB - 1)).isEmpty();
        assertThat(policy.nextSize(10, 8 * GIB)).hasValue(12);
        assertThat(policy.nextSize(1, GIB)).as("at least 1 GiB").hasValue(2);
    }

    @Test
    void theLargerIncrementWinsAndNeverPastTheMax() {
        AutoExtendPolicy policy = AutoExtendPolicy.of(Map.of("autoextend:enabled", "true",
                "autoextend:threshold_percent", "50", "autoextend:increment_percent", "10", "autoextend:increment_gib", "3",
                "autoextend:max_gib", "14")).orElseThrow();
        assertThat(policy.nextSize(10, 5 * GIB)).hasValue(13);
        assertThat(policy.nextSize(13, 7 * GIB)).as("capped").hasValue(14);
        assertThat(policy.nextSize(14, 14 * GIB)).as("at the max: nothing").isEqualTo(OptionalInt.empty());
        assertThat(AutoExtendPolicy.of(Map.of("autoextend:enabled", "true", "autoextend:increment_gib", "2")).orElseThrow()
                .nextSize(10, 9 * GIB)).as("only a GiB increment given: no percent").hasValue(12);
    }

    @Test
    void badValuesDisableItAndSayWhy() {
        Map<String, String> bad = Map.of("autoextend:enabled", "true", "autoextend:threshold_percent", "180");
        assertThat(AutoExtendPolicy.of(bad)).isEmpty();
        assertThat(AutoExtendPolicy.problem(bad)).isEqualTo("autoextend:threshold_percent must be a whole number from 1 to 100");
        assertThat(AutoExtendPolicy.problem(Map.of("autoextend:max_gib", "x"))).contains("max_gib");
        assertThat(AutoExtendPolicy.problem(Map.of("autoextend:enabled", "yes"))).contains("true or false");
        assertThat(AutoExtendPolicy.problem(Map.of("autoextend:size", "1"))).contains("unknown extra spec");
        assertThat(AutoExtendPolicy.problem(Map.of("autoextend:enabled", "true", "foo", "bar"))).isNull();
    }
}
