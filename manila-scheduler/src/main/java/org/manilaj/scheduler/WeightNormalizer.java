package org.manilaj.scheduler;

/** Manila's min-max normalisation of one weigher's raw weights to [0, 1]. */
final class WeightNormalizer {
    private WeightNormalizer() {
    }

    /**
     * Infinite weights (unknown capacity) become min − 1 or max + 1 of the finite ones first; when all
     * values are equal every result is 0.
     */
    static double[] normalize(double[] raw) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double value : raw) {
            if (Double.isFinite(value)) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
        }
        if (min == Double.POSITIVE_INFINITY) {
            min = 0;
            max = 0;
        }
        double[] clamped = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            double value = raw[i];
            clamped[i] = value == Double.NEGATIVE_INFINITY ? min - 1 : value == Double.POSITIVE_INFINITY ? max + 1 : value;
        }
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double value : clamped) {
            low = Math.min(low, value);
            high = Math.max(high, value);
        }
        double[] result = new double[raw.length];
        if (high > low) {
            for (int i = 0; i < raw.length; i++) {
                result[i] = (clamped[i] - low) / (high - low);
            }
        }
        return result;
    }
}
