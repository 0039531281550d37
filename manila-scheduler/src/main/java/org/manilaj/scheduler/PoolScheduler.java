package org.manilaj.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
}
