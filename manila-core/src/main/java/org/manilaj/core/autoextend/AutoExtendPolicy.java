package org.manilaj.core.autoextend;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A share type's auto-extend, from its extra specs: {@code autoextend:enabled} ({@code true}),
 * {@code autoextend:threshold_percent} (used share of the size that triggers it, default 80),
 * {@code autoextend:increment_percent} or {@code autoextend:increment_gib} (how much it grows; default 20 %, at
 * least 1 GiB; the larger when both are given) and {@code autoextend:max_gib} (never past it).
 */
public record AutoExtendPolicy(int thresholdPercent, int incrementPercent, int incrementGib, Integer maxGib) {
    static final String ENABLED = "autoextend:enabled";

    /** The policy of a type's extra specs; empty when it is not enabled or a value is wrong (see {@link #problem}). */
    public static Optional<AutoExtendPolicy> of(Map<String, String> extraSpecs) {
        if (!"true".equalsIgnoreCase(extraSpecs.getOrDefault(ENABLED, "false").trim())) {
            return Optional.empty();
        }
        return Optional.ofNullable(parse(extraSpecs));
    }

    /** Each key's allowed whole numbers. */
    private static final Map<String, int[]> RANGES = Map.of(
            "autoextend:threshold_percent", new int[] {1, 100},
            "autoextend:increment_percent", new int[] {0, 1000},
            "autoextend:increment_gib", new int[] {0, 100_000},
            "autoextend:max_gib", new int[] {1, 1_000_000});

    /** What is wrong with the {@code autoextend:} specs given (each on its own, as a type's specs are set), or null. */
    public static String problem(Map<String, String> extraSpecs) {
        for (Map.Entry<String, String> spec : extraSpecs.entrySet()) {
            String key = spec.getKey();
            if (!key.startsWith("autoextend:")) {
                continue;
            }
            if (key.equals(ENABLED)) {
                if (!spec.getValue().trim().equalsIgnoreCase("true") && !spec.getValue().trim().equalsIgnoreCase("false")) {
                    return ENABLED + " must be true or false";
                }
                continue;
            }
            int[] range = RANGES.get(key);
            if (range == null) {
                return "unknown extra spec " + key + " (autoextend: enabled, threshold_percent, increment_percent,"
                        + " increment_gib, max_gib)";
            }
            if (number(spec.getValue(), 0, range[0], range[1]) == null) {
                return key + " must be a whole number from " + range[0] + " to " + range[1];
            }
        }
        return null;
    }

    private static AutoExtendPolicy parse(Map<String, String> specs) {
        if (problem(specs) != null) {
            return null;
        }
        boolean anyIncrement = specs.containsKey("autoextend:increment_percent") || specs.containsKey("autoextend:increment_gib");
        Integer threshold = number(specs.get("autoextend:threshold_percent"), 80, 1, 100);
        Integer percent = number(specs.get("autoextend:increment_percent"), anyIncrement ? 0 : 20, 0, 1000);
        Integer gib = number(specs.get("autoextend:increment_gib"), 0, 0, 100_000);
        Integer max = specs.containsKey("autoextend:max_gib") ? number(specs.get("autoextend:max_gib"), 0, 1, 1_000_000) : null;
        return new AutoExtendPolicy(threshold, percent, gib, max);
    }

    private static Integer number(String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            return parsed < min || parsed > max ? null : parsed;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The size to grow to when {@code usedBytes} reached the threshold of {@code sizeGb}; empty otherwise or at the max. */
    public OptionalInt nextSize(int sizeGb, long usedBytes) {
        if (usedBytes * 100 < (long) thresholdPercent * sizeGb * (1L << 30)) {
            return OptionalInt.empty();
        }
        int byPercent = (int) Math.ceil(sizeGb * incrementPercent / 100.0);
        long next = (long) sizeGb + Math.max(1, Math.max(byPercent, incrementGib));
        if (maxGib != null) {
            next = Math.min(next, maxGib);
        }
        return next > sizeGb ? OptionalInt.of((int) Math.min(next, Integer.MAX_VALUE)) : OptionalInt.empty();
    }
}
