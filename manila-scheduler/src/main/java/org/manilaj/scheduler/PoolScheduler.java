package org.manilaj.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The placement pipeline as a pure function: a request and a snapshot of pools in, the pools that
 * can take it out, best first. Holds no state, so concurrent callers need no locking.
 */
public final class PoolScheduler {
    private final List<PoolFilter> filters;
    private final List<PoolWeigher> weighers;

    public PoolScheduler(List<PoolFilter> filters, List<PoolWeigher> weighers) {
        this.filters = List.copyOf(filters);
        this.weighers = List.copyOf(weighers);
    }

    /** Manila's default pipeline for a create: zone, capacity and capabilities filters, capacity weigher. */
    public static PoolScheduler withDefaults() {
        return manilaDefaults(1.0);
    }

    public static PoolScheduler manilaDefaults(double capacityWeightMultiplier) {
        return new PoolScheduler(List.of(new AvailabilityZoneFilter(), new CapacityFilter(), new CapabilitiesFilter()),
                List.of(new CapacityWeigher(capacityWeightMultiplier)));
    }

    public List<WeighedPool> rank(PlacementRequest request, List<PoolState> pools) {
        List<PoolState> candidates = new ArrayList<>();
        for (PoolState pool : pools) {
            if (filters.stream().allMatch(filter -> filter.passes(request, pool))) {
                candidates.add(pool);
            }
        }
        double[] total = new double[candidates.size()];
        for (PoolWeigher weigher : weighers) {
            double[] raw = new double[candidates.size()];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = weigher.rawWeight(request, candidates.get(i));
            }
            double[] normalized = WeightNormalizer.normalize(raw);
            for (int i = 0; i < total.length; i++) {
                total[i] += weigher.multiplier() * normalized[i];
            }
        }
        List<WeighedPool> ranked = new ArrayList<>(candidates.size());
        for (int i = 0; i < total.length; i++) {
            ranked.add(new WeighedPool(candidates.get(i), total[i]));
        }
        // Stable sort: equal weights keep the snapshot's order, so placement is deterministic.
        ranked.sort(Comparator.comparingDouble(WeighedPool::weight).reversed());
        return ranked;
    }

    /**
     * The largest share, in GiB, that one pool could take now for these extra specs and zone (0 when no
     * pool can take even 1 GiB): what a create could still get. Every filter is monotonic in the size, so
     * a binary search per pool finds the bound the filters themselves draw.
     */
    public int largestPlaceableGib(Map<String, String> extraSpecs, String availabilityZone, List<PoolState> pools) {
        int largest = 0;
        for (PoolState pool : pools) {
            if (!passes(1, extraSpecs, availabilityZone, pool)) {
                continue;
            }
            int admitted = 1;
            int refused = Integer.MAX_VALUE;
            while (refused - admitted > 1) {
                int size = (int) (((long) admitted + refused) >>> 1);
                if (passes(size, extraSpecs, availabilityZone, pool)) {
                    admitted = size;
                } else {
                    refused = size;
                }
            }
            largest = Math.max(largest, admitted);
        }
        return largest;
    }

    private boolean passes(int sizeGib, Map<String, String> extraSpecs, String availabilityZone, PoolState pool) {
        PlacementRequest request = PlacementRequest.create(sizeGib, extraSpecs, availabilityZone);
        return filters.stream().allMatch(filter -> filter.passes(request, pool));
    }
}
