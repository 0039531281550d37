package org.manilaj.scheduler;

import java.util.Arrays;

/**
 * Orders weighed candidates best first as the stable sort of {@link WeighedPool}s by descending weight
 * ({@link Double#compare}) did: equal weights keep the snapshot's order. A stable radix sort of the
 * weights' bits, on primitive arrays: a comparison sort of thousands of random weights spends most of
 * its time on mispredicted branches.
 */
final class RankOrder {
    private static final int BITS = 8;
    private static final int BUCKETS = 1 << BITS;

    private RankOrder() {
    }

    /** The positions of the weights, best first. */
    static int[] descending(double[] weights) {
        int n = weights.length;
        long[] keys = new long[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            keys[i] = descendingKey(weights[i]);
            order[i] = i;
        }
        long[] keysOut = new long[n];
        int[] orderOut = new int[n];
        int[] counts = new int[BUCKETS];
        for (int shift = 0; shift < Long.SIZE; shift += BITS) {
            Arrays.fill(counts, 0);
            for (long key : keys) {
                counts[(int) (key >>> shift) & (BUCKETS - 1)]++;
            }
            if (n == 0 || counts[(int) (keys[0] >>> shift) & (BUCKETS - 1)] == n) {
                continue; // every key has this digit: the pass would change nothing
            }
            int start = 0;
            for (int b = 0; b < BUCKETS; b++) {
                int count = counts[b];
                counts[b] = start;
                start += count;
            }
            for (int i = 0; i < n; i++) {
                int to = counts[(int) (keys[i] >>> shift) & (BUCKETS - 1)]++;
                keysOut[to] = keys[i];
                orderOut[to] = order[i];
            }
            long[] keysSwap = keys;
            keys = keysOut;
            keysOut = keysSwap;
            int[] orderSwap = order;
            order = orderOut;
            orderOut = orderSwap;
        }
        return order;
    }

    /**
     * A key whose unsigned order is the descending order of {@link Double#compare}: the usual flip of a
     * negative double's bits makes the signed order that of {@code Double.compare} (NaN above infinity,
     * -0.0 below 0.0), the complement reverses it, the sign bit makes it unsigned.
     */
    static long descendingKey(double weight) {
        long bits = Double.doubleToLongBits(weight);
        long ascending = bits ^ ((bits >> 63) & Long.MAX_VALUE);
        return ~ascending ^ Long.MIN_VALUE;
    }
}
