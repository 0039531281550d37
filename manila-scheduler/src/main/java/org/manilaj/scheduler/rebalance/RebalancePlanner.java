package org.manilaj.scheduler.rebalance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Plans that level the pools or empty a backend, as a pure function of the pools and shares given (no database,
 * no clock, no randomness: the same input gives the same plan). Every move is valid against the state the moves
 * before it leave: the destination is usable, in the share's zone, accepts its share type and has room under the
 * scheduler's capacity rule; a share moves at most once; busy shares and shares with replicas stay, with the
 * reason. A rebalance never moves a share to a pool that would end above the band or above where its source
 * was, so the highest utilisation never rises.
 */
public final class RebalancePlanner {
    static final String LIMIT = "left for a later plan (limit on moves or GiB)";
    /** A drain of at most this many shares that the greedy pass cannot place is searched exhaustively. */
    static final int EXHAUSTIVE_SHARES = 12;
    private static final int SEARCH_NODES = 200_000;

    private RebalancePlanner() {
    }

    /** Moves that bring every usable pool's utilisation within the band around the mean, with few GiB moved. */
    public static RebalancePlan rebalance(List<PlanPool> pools, List<PlanShare> shares, PlanOptions options) {
        Cluster cluster = new Cluster(pools, shares);
        Map<String, Double> before = cluster.utilisations();
        double spreadBefore = cluster.spread();
        double mean = cluster.mean();
        double band = options.bandPoints() / 100;
        double high = mean + band;
        double low = mean - band;
        List<Move> moves = new ArrayList<>();
        Map<String, Unmovable> unmovable = new LinkedHashMap<>();
        Set<String> moved = new HashSet<>();
        Set<String> stuck = new HashSet<>();
        long gib = 0;
        while (moves.size() < options.maxMoves()) {
            Optional<PlanPool> source = nextSource(cluster, stuck, high, low, mean);
            if (source.isEmpty()) {
                break;
            }
            for (PlanShare share : cluster.sharesOn(source.get().name())) {
                Cluster.immovable(share).ifPresent(reason -> unmovable.putIfAbsent(share.id(),
                        new Unmovable(share.id(), share.pool(), reason)));
            }
            long budget = options.maxGib() - gib;
            // with no pool above the band, data only goes to a pool below it (moves between pools inside it help nothing)
            boolean catchUp = source.get().utilisation() <= high + 1e-9;
            Optional<Candidate> best = bestMove(cluster, source.get(), moved, high, low, budget, catchUp);
            if (best.isEmpty()) {
                stuck.add(source.get().name());
                for (PlanShare share : cluster.sharesOn(source.get().name())) { // why the others stay too
                    if (!moved.contains(share.id()) && Cluster.immovable(share).isEmpty()) {
                        unmovable.putIfAbsent(share.id(), new Unmovable(share.id(), share.pool(), share.sizeGb() > budget
                                ? LIMIT : cluster.anywhere(share)
                                ? "no pool in its zone can take it without ending above the band or above its pool"
                                : cluster.nowhere(share, null)));
                    }
                }
                continue;
            }
            moves.add(cluster.apply(best.get().share(), best.get().to()));
            moved.add(best.get().share().id());
            gib += best.get().share().sizeGb();
        }
        if (moves.size() >= options.maxMoves()) { // what the limit left behind on the pools still above the band
            for (PlanPool pool : cluster.balanced()) {
                if (pool.utilisation() > high + 1e-9) {
                    cluster.sharesOn(pool.name()).stream().filter(share -> !moved.contains(share.id())
                            && Cluster.immovable(share).isEmpty()).forEach(share -> unmovable.putIfAbsent(share.id(),
                            new Unmovable(share.id(), share.pool(), LIMIT)));
                }
            }
        }
        boolean complete = cluster.balanced().stream()
                .allMatch(pool -> pool.utilisation() <= high + 1e-9 && pool.utilisation() >= low - 1e-9);
        return new RebalancePlan(moves, new ArrayList<>(unmovable.values()), before, cluster.utilisations(), spreadBefore,
                cluster.spread(), complete);
    }

    /** A pool above the band (the highest first); else, when a pool is below it, the highest pool above the mean. */
    private static Optional<PlanPool> nextSource(Cluster cluster, Set<String> stuck, double high, double low,
                                                 double mean) {
        Comparator<PlanPool> highestFirst = Comparator.comparingDouble(PlanPool::utilisation).reversed()
                .thenComparing(PlanPool::name);
        List<PlanPool> candidates = cluster.balanced().stream().filter(pool -> !stuck.contains(pool.name()))
                .sorted(highestFirst).toList();
        Optional<PlanPool> over = candidates.stream().filter(pool -> pool.utilisation() > high + 1e-9).findFirst();
        if (over.isPresent()) {
            return over;
        }
        boolean under = cluster.balanced().stream().anyMatch(pool -> pool.utilisation() < low - 1e-9);
        return under ? candidates.stream().filter(pool -> pool.utilisation() > mean + 1e-9).findFirst() : Optional.empty();
    }

    private record Candidate(PlanShare share, PlanPool to) {
    }

    /**
     * The move off {@code source} that moves the fewest GiB toward the band: the smallest share that alone brings
     * the source within it, else the largest that helps; each to the least utilised pool that takes it without
     * ending above the band or above the source's utilisation, and without leaving the source below the band.
     */
    private static Optional<Candidate> bestMove(Cluster cluster, PlanPool source, Set<String> moved, double high,
                                                double low, long budget, boolean catchUp) {
        double excessGb = (source.utilisation() - high) * source.capacityGb();
        // the smallest share that is enough alone (and leaves the source within the band), smallest first
        for (PlanShare share : cluster.sharesOn(source.name())) {
            if (share.sizeGb() < excessGb || !movable(share, moved, budget)
                    || Cluster.utilisationWith(source, -share.sizeGb()) < low - 1e-9) {
                continue;
            }
            Optional<PlanPool> to = destination(cluster, share, source, high, catchUp ? low : Double.POSITIVE_INFINITY);
            if (to.isPresent()) {
                return Optional.of(new Candidate(share, to.get()));
            }
        }
        // else the largest that helps, largest first (ties: the smaller id first)
        List<PlanShare> descending = new ArrayList<>(cluster.sharesOn(source.name()));
        descending.sort(Comparator.comparingInt(PlanShare::sizeGb).reversed().thenComparing(PlanShare::id));
        for (PlanShare share : descending) {
            if (excessGb > 0 && share.sizeGb() >= excessGb || !movable(share, moved, budget)
                    || excessGb <= 0 && Cluster.utilisationWith(source, -share.sizeGb()) < low - 1e-9) {
                continue;
            }
            Optional<PlanPool> to = destination(cluster, share, source, high, catchUp ? low : Double.POSITIVE_INFINITY);
            if (to.isPresent()) {
                return Optional.of(new Candidate(share, to.get()));
            }
        }
        return Optional.empty();
    }

    private static boolean movable(PlanShare share, Set<String> moved, long budget) {
        return !moved.contains(share.id()) && Cluster.immovable(share).isEmpty() && share.sizeGb() <= budget;
    }

    /** The least utilised pool after taking the share, among those below {@code belowBefore} that may take it. */
    private static Optional<PlanPool> destination(Cluster cluster, PlanShare share, PlanPool source, double high,
                                                  double belowBefore) {
        double sourceBefore = source.utilisation();
        return cluster.balanced().stream().filter(to -> to.utilisation() < belowBefore - 1e-9 && cluster.fits(share, to))
                .filter(to -> {
                    double after = Cluster.utilisationWith(to, share.sizeGb());
                    return after <= high + 1e-9 && after < sourceBefore - 1e-9;
                })
                .min(Comparator.comparingDouble((PlanPool to) -> Cluster.utilisationWith(to, share.sizeGb()))
                        .thenComparing(PlanPool::name));
    }

    /**
     * Moves that empty {@code backend}'s pools onto the other usable pools: the largest shares first, each to the
     * pool that is least utilised after taking it; when that leaves shares behind and there are few, an exhaustive
     * search finds a placement of them all if one exists. Shares that cannot go anywhere are listed with the reason.
     */
    public static RebalancePlan drain(String backend, List<PlanPool> pools, List<PlanShare> shares, PlanOptions options) {
        Cluster start = new Cluster(pools.stream().map(pool -> pool.backend().equals(backend)
                ? new PlanPool(pool.state(), pool.backend(), false) : pool).toList(), shares);
        Map<String, Double> before = start.utilisations();
        double spreadBefore = start.spread();
        List<PlanShare> toMove = new ArrayList<>();
        List<Unmovable> unmovable = new ArrayList<>();
        for (PlanPool pool : start.pools()) {
            if (!pool.backend().equals(backend)) {
                continue;
            }
            for (PlanShare share : start.sharesOn(pool.name())) {
                Optional<String> reason = Cluster.immovable(share);
                if (reason.isPresent()) {
                    unmovable.add(new Unmovable(share.id(), share.pool(), reason.get()));
                } else {
                    toMove.add(share);
                }
            }
        }
        toMove.sort(Comparator.comparingInt(PlanShare::sizeGb).reversed().thenComparing(PlanShare::id));
        List<Move> moves = new ArrayList<>();
        List<PlanShare> left = placeGreedily(start.copy(), toMove, moves);
        if (!left.isEmpty() && toMove.size() <= EXHAUSTIVE_SHARES) {
            Optional<List<Move>> all = search(start.copy(), toMove, new ArrayList<>(), new int[] {SEARCH_NODES});
            if (all.isPresent()) {
                moves = all.get();
                left = List.of();
            }
        }
        for (PlanShare share : left) {
            unmovable.add(new Unmovable(share.id(), share.pool(), start.nowhere(share, backend)));
        }
        List<Move> limited = limit(moves, options);
        for (Move move : moves.subList(limited.size(), moves.size())) {
            unmovable.add(new Unmovable(move.shareId(), move.from(), LIMIT));
        }
        Cluster after = replay(start.copy(), toMove, limited);
        return new RebalancePlan(limited, unmovable, before, after.utilisations(), spreadBefore, after.spread(),
                unmovable.isEmpty());
    }

    /** Each share, largest first, to the pool least utilised after taking it; returns those no pool took. */
    private static List<PlanShare> placeGreedily(Cluster cluster, List<PlanShare> toMove, List<Move> moves) {
        List<PlanShare> left = new ArrayList<>();
        for (PlanShare share : toMove) {
            Optional<PlanPool> to = cluster.balanced().stream().filter(pool -> cluster.fits(share, pool))
                    .min(Comparator.comparingDouble((PlanPool pool) -> Cluster.utilisationWith(pool, share.sizeGb()))
                            .thenComparing(PlanPool::name));
            if (to.isPresent()) {
                moves.add(cluster.apply(share, to.get()));
            } else {
                left.add(share);
            }
        }
        return left;
    }

    /** The cluster after {@code moves}, recomputed from the start (the moves' utilisations are those of that replay). */
    private static Cluster replay(Cluster cluster, List<PlanShare> shares, List<Move> moves) {
        Map<String, PlanShare> byId = new LinkedHashMap<>();
        shares.forEach(share -> byId.put(share.id(), share));
        for (Move move : moves) {
            cluster.apply(byId.get(move.shareId()), cluster.pool(move.to()));
        }
        return cluster;
    }

    private static List<Move> limit(List<Move> moves, PlanOptions options) {
        List<Move> kept = new ArrayList<>();
        long gib = 0;
        for (Move move : moves) {
            if (kept.size() >= options.maxMoves() || gib + move.sizeGb() > options.maxGib()) {
                break;
            }
            kept.add(move);
            gib += move.sizeGb();
        }
        return kept;
    }

    /**
     * Depth-first over which share moves next and where (the order matters: a thin pool's room is its free space
     * times its ratio, which each move shrinks): a complete list of moves, or empty when there is none or the
     * node budget runs out.
     */
    private static Optional<List<Move>> search(Cluster cluster, List<PlanShare> remaining, List<Move> moves, int[] budget) {
        if (remaining.isEmpty()) {
            return Optional.of(List.copyOf(moves));
        }
        for (PlanShare share : remaining) {
            for (PlanPool pool : cluster.balanced()) {
                if (--budget[0] < 0) {
                    return Optional.empty();
                }
                if (!cluster.fits(share, pool)) {
                    continue;
                }
                Cluster next = cluster.copy();
                moves.add(next.apply(share, next.pool(pool.name())));
                List<PlanShare> rest = new ArrayList<>(remaining);
                rest.remove(share);
                Optional<List<Move>> found = search(next, rest, moves, budget);
                if (found.isPresent()) {
                    return found;
                }
                moves.remove(moves.size() - 1);
            }
        }
        return Optional.empty();
    }
}
