package org.manilaj.scheduler;

/**
 * The one rule that decides whether a pool can take {@code size} more GiB (Manila's capacity check plus
 * a safety bound for thick pools). The scheduler's {@link CapacityFilter} ranks with it; the service's
 * capacity ledger applies it again, atomically, when it reserves.
 *
 * @param totalGb the pool's size; {@code null} when unknown
 * @param freeGb the pool's free space; {@code null} when unknown (the pool is then not limited here:
 *     Manila relies on the driver failing)
 * @param provisionedGb the sum of the sizes already placed on the pool
 */
public record CapacityRule(Double totalGb, Double freeGb, long provisionedGb) {

    /**
     * @param thin thin logic applies (the pool is thin and the share type does not opt out)
     * @param ratio {@code max_over_subscription_ratio}
     * @param reservedFraction the reserved part of the total (0.05 for 5 %)
     */
    public boolean admits(int size, boolean thin, double ratio, double reservedFraction) {
        if (freeGb == null) {
            return true;
        }
        if (totalGb == null) {
            return reservedFraction == 0 && size <= freeGb;
        }
        if (totalGb <= 0) {
            return false;
        }
        double free = Math.floor(freeGb - totalGb * reservedFraction);
        if (thin) {
            return ratio >= 1 && provisionedGb + size <= totalGb * ratio && free * ratio >= size;
        }
        return free >= size && provisionedGb + size <= Math.floor(totalGb - totalGb * reservedFraction);
    }
}
