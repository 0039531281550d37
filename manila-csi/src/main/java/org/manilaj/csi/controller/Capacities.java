package org.manilaj.csi.controller;

import org.manilaj.csi.CsiErrors;
import org.manilaj.csi.v1.CapacityRange;

/** Byte ranges to whole GiB, as shares are sized. */
final class Capacities {
    static final long GIB = 1L << 30;

    private Capacities() {
    }

    /** The smallest whole GiB within the range (1 GiB when nothing is required); OUT_OF_RANGE when none fits. */
    static int gibFor(CapacityRange range) {
        long required = range.getRequiredBytes();
        long limit = range.getLimitBytes();
        if (required < 0 || limit < 0) {
            throw CsiErrors.invalid("capacity_range bytes must not be negative");
        }
        if (limit > 0 && required > limit) {
            throw CsiErrors.outOfRange("required_bytes " + required + " exceeds limit_bytes " + limit);
        }
        long gib = Math.max(1, (required + GIB - 1) / GIB);
        if (gib > Integer.MAX_VALUE) {
            throw CsiErrors.outOfRange("required_bytes " + required + " is beyond any share size");
        }
        if (limit > 0 && gib * GIB > limit) {
            throw CsiErrors.outOfRange("shares are sized in whole GiB: " + gib + " GiB (" + gib * GIB
                    + " bytes) would exceed limit_bytes " + limit);
        }
        return (int) gib;
    }

    /** Whether an existing share of {@code sizeGib} satisfies the range. */
    static boolean fits(int sizeGib, CapacityRange range) {
        long bytes = sizeGib * GIB;
        return bytes >= range.getRequiredBytes() && (range.getLimitBytes() == 0 || bytes <= range.getLimitBytes());
    }
}
