package org.manilaj.scheduler.rebalance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.manilaj.scheduler.CapabilitiesFilter;
import org.manilaj.scheduler.CapacityFilter;
import org.manilaj.scheduler.PlacementRequest;
import org.manilaj.scheduler.PoolState;

/**
 * The pools and shares as a plan's moves leave them: each move adds the share's size to its destination's
 * provisioned GiB and takes it from its free space, and takes it from the source's provisioned GiB (the source's
 * free space is left as it was: the copy frees it only once done). Moves are checked with the scheduler's own
 * capabilities and capacity filters.
 */
final class Cluster {
    private static final CapabilitiesFilter CAPABILITIES = new CapabilitiesFilter();
    private static final CapacityFilter CAPACITY = new CapacityFilter();

    /** A pool's shares, smallest first (then by id): what a rebalance picks from. */
    static final Comparator<PlanShare> SMALLEST_FIRST = Comparator.comparingInt(PlanShare::sizeGb)
            .thenComparing(PlanShare::id);

    private final Map<String, PlanPool> pools = new TreeMap<>();
    private final Map<String, PlanShare> shares = new LinkedHashMap<>();
    private final Map<String, NavigableSet<PlanShare>> byPool = new HashMap<>();

    Cluster(List<PlanPool> pools, List<PlanShare> shares) {
        pools.forEach(pool -> this.pools.put(pool.name(), pool));
        shares.stream().sorted(Comparator.comparing(PlanShare::id)).forEach(share -> {
            this.shares.put(share.id(), share);
            byPool.computeIfAbsent(share.pool(), name -> new TreeSet<>(SMALLEST_FIRST)).add(share);
        });
    }

    Cluster copy() {
        return new Cluster(new ArrayList<>(pools.values()), new ArrayList<>(shares.values()));
    }

    PlanPool pool(String name) {
        return pools.get(name);
    }

    List<PlanPool> pools() {
        return List.copyOf(pools.values());
    }

    /** The pools that take part in the balance: usable, with a known size. */
    List<PlanPool> balanced() {
        return pools.values().stream().filter(pool -> pool.usable() && pool.capacityGb() > 0).toList();
    }

    /** The pool's shares, smallest first. */
    NavigableSet<PlanShare> sharesOn(String pool) {
        return Collections.unmodifiableNavigableSet(byPool.getOrDefault(pool, new TreeSet<>(SMALLEST_FIRST)));
    }

    /** Why the share cannot move at all, or empty when it may. */
    static Optional<String> immovable(PlanShare share) {
        if (!"available".equals(share.status())) {
            return Optional.of("busy: its status is " + share.status());
        }
        if (share.hasReplicas()) {
            return Optional.of("it has replicas (promote one instead)");
        }
        return Optional.empty();
    }

    /**
     * Whether the share may go to {@code to} now: usable, on another backend (a migration moves shares between
     * backends: a backend keeps one directory and export per share), its own zone, its type's capabilities, room.
     */
    boolean fits(PlanShare share, PlanPool to) {
        PlanPool from = pools.get(share.pool());
        if (!to.usable() || to.name().equals(share.pool()) || from != null && from.backend().equals(to.backend())
                || !sameZone(share, to)) {
            return false;
        }
        PlacementRequest request = PlacementRequest.create(share.sizeGb(), share.extraSpecs(), share.zone());
        return CAPABILITIES.passes(request, to.state()) && CAPACITY.passes(request, to.state());
    }

    /** The reason no pool can take the share: no other enabled pool in its zone, none accepts its type, or no room. */
    String nowhere(PlanShare share, String excludedBackend) {
        PlacementRequest request = PlacementRequest.create(share.sizeGb(), share.extraSpecs(), share.zone());
        PlanPool from = pools.get(share.pool());
        List<PlanPool> others = pools.values().stream().filter(pool -> pool.usable() && !pool.name().equals(share.pool())
                && !pool.backend().equals(excludedBackend) && (from == null || !from.backend().equals(pool.backend()))
                && sameZone(share, pool)).toList();
        String zone = share.zone() == null ? "any zone" : "zone " + share.zone();
        if (others.isEmpty()) {
            return "no enabled pool of another backend in " + zone;
        }
        boolean accepted = others.stream().anyMatch(pool -> CAPABILITIES.passes(request, pool.state()));
        return accepted ? "no enabled pool in " + zone + " has room for " + share.sizeGb() + " GiB"
                : "no enabled pool in " + zone + " accepts its share type";
    }

    /** Whether some usable pool could take the share now, band or not. */
    boolean anywhere(PlanShare share) {
        return pools.values().stream().anyMatch(pool -> fits(share, pool));
    }

    private static boolean sameZone(PlanShare share, PlanPool pool) {
        return share.zone() == null || share.zone().equals(pool.state().availabilityZone());
    }

    /** The move of {@code share} to {@code to}, applied to this cluster. */
    Move apply(PlanShare share, PlanPool to) {
        PlanPool from = pools.get(share.pool());
        double fromBefore = from.utilisation();
        double toBefore = to.utilisation();
        PlanPool fromAfter = with(from, -share.sizeGb(), 0);
        PlanPool toAfter = with(to, share.sizeGb(), -share.sizeGb());
        pools.put(from.name(), fromAfter);
        pools.put(to.name(), toAfter);
        PlanShare moved = new PlanShare(share.id(), share.sizeGb(), share.extraSpecs(), share.zone(), to.name(),
                share.status(), share.hasReplicas());
        shares.put(share.id(), moved);
        byPool.get(from.name()).remove(share);
        byPool.computeIfAbsent(to.name(), name -> new TreeSet<>(SMALLEST_FIRST)).add(moved);
        return new Move(share.id(), share.sizeGb(), from.name(), to.name(), fromBefore, fromAfter.utilisation(), toBefore,
                toAfter.utilisation());
    }

    /** The utilisation {@code pool} would have with {@code deltaGb} more provisioned. */
    static double utilisationWith(PlanPool pool, long deltaGb) {
        double capacity = pool.capacityGb();
        return capacity == 0 ? Double.NaN : (pool.state().provisionedCapacityGb() + deltaGb) / capacity;
    }

    private static PlanPool with(PlanPool pool, long provisionedDelta, double freeDelta) {
        PoolState state = pool.state();
        Double free = state.freeCapacityGb() == null ? null : state.freeCapacityGb() + freeDelta;
        return new PlanPool(new PoolState(state.name(), state.totalCapacityGb(), free,
                state.provisionedCapacityGb() + provisionedDelta, state.reservedPercentage(),
                state.reservedShareExtendPercentage(), state.thinProvisioning(), state.maxOverSubscriptionRatio(),
                state.availabilityZone(), state.capabilities()), pool.backend(), pool.usable());
    }

    Map<String, Double> utilisations() {
        Map<String, Double> result = new TreeMap<>();
        pools.values().forEach(pool -> result.put(pool.name(), pool.utilisation()));
        return result;
    }

    /** The highest less the lowest utilisation of the pools that take part in the balance. */
    double spread() {
        double max = balanced().stream().mapToDouble(PlanPool::utilisation).max().orElse(0);
        double min = balanced().stream().mapToDouble(PlanPool::utilisation).min().orElse(0);
        return max - min;
    }

    /** The capacity-weighted mean utilisation of the pools that take part: the level a perfect balance reaches. */
    double mean() {
        double provisioned = balanced().stream().mapToDouble(pool -> pool.state().provisionedCapacityGb()).sum();
        double capacity = balanced().stream().mapToDouble(PlanPool::capacityGb).sum();
        return capacity == 0 ? 0 : provisioned / capacity;
    }
}
