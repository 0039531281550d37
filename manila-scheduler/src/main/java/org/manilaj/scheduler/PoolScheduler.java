package org.manilaj.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

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

    /** The pools that pass every filter, best first; equal weights keep the snapshot's order. */
    public List<WeighedPool> rank(PlacementRequest request, List<PoolState> pools) {
        return rank(request, pools, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} pools of {@link #rank(PlacementRequest, List)}, in the same order: for callers
     * that try only the first few (max_placement_attempts), without a result entry per candidate.
     */
    public List<WeighedPool> rank(PlacementRequest request, List<PoolState> pools, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit " + limit);
        }
        List<PoolState> candidates = candidates(request, pools);
        double[] total = new double[candidates.size()];
        for (PoolWeigher weigher : weighers) {
            ToDoubleFunction<PoolState> weight = weigher.forRequest(request);
            double[] raw = new double[candidates.size()];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = weight.applyAsDouble(candidates.get(i));
            }
            double[] normalized = WeightNormalizer.normalize(raw);
            double multiplier = weigher.multiplier();
            for (int i = 0; i < total.length; i++) {
                total[i] += multiplier * normalized[i];
            }
        }
        int[] order = RankOrder.descending(total);
        int size = Math.min(limit, order.length);
        List<WeighedPool> ranked = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            ranked.add(new WeighedPool(candidates.get(order[k]), total[order[k]]));
        }
        return ranked;
    }

    /** The pools that pass every filter, in the snapshot's order; each filter reads the request once. */
    private List<PoolState> candidates(PlacementRequest request, List<PoolState> pools) {
        @SuppressWarnings("unchecked")
        Predicate<PoolState>[] bound = new Predicate[filters.size()];
        for (int i = 0; i < bound.length; i++) {
            bound[i] = filters.get(i).forRequest(request);
        }
        List<PoolState> candidates = new ArrayList<>();
        for (PoolState pool : pools) {
            if (passesAll(bound, pool)) {
                candidates.add(pool);
            }
        }
        return candidates;
    }

    private static boolean passesAll(Predicate<PoolState>[] filters, PoolState pool) {
        for (Predicate<PoolState> filter : filters) {
            if (!filter.test(pool)) {
                return false;
            }
        }
        return true;
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
