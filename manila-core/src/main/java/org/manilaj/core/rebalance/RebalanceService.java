package org.manilaj.core.rebalance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.pool.PoolCapabilities;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.pool.PoolHealth;
import org.manilaj.core.pool.PoolRow;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.scheduler.PoolState;
import org.manilaj.scheduler.rebalance.Move;
import org.manilaj.scheduler.rebalance.PlanOptions;
import org.manilaj.scheduler.rebalance.PlanPool;
import org.manilaj.scheduler.rebalance.PlanShare;
import org.manilaj.scheduler.rebalance.RebalancePlan;
import org.manilaj.scheduler.rebalance.RebalancePlanner;
import org.manilaj.scheduler.rebalance.Unmovable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans over the service's live state (admins only): the pools as the stats job last saw them, usable when up and
 * enabled, and every placed share with its type's extra specs and whether it has replicas; the planner itself is
 * the pure function in {@code manila-scheduler}.
 */
public final class RebalanceService {
    private static final Logger LOG = LoggerFactory.getLogger(RebalanceService.class);

    /** A placed share as the planner needs it. */
    public record ShareRow(String id, int sizeGb, String shareTypeId, String availabilityZone, String host, String status,
                           boolean hasReplicas) {
    }

    /** The shares placed on a pool. */
    public interface PlanDao {
        @SqlQuery("SELECT s.id, s.size_gb, s.share_type_id, s.availability_zone, s.host, s.status,"
                + " EXISTS (SELECT 1 FROM share_replicas r WHERE r.share_id = s.id"
                + " AND (r.replica_state IS NULL OR r.replica_state <> 'active')) AS has_replicas"
                + " FROM shares s WHERE s.host IS NOT NULL ORDER BY s.id")
        @RegisterConstructorMapper(ShareRow.class)
        List<ShareRow> placedShares();

        /** Secondary replicas and the pool each is on: a drain must say they stay. */
        @SqlQuery("SELECT share_id, host FROM share_replicas WHERE host IS NOT NULL ORDER BY share_id, host")
        @RegisterConstructorMapper(ReplicaPlace.class)
        List<ReplicaPlace> secondaryReplicas();

        /** Serializes applies: every apply locks the backends' rows before it checks that no plan runs. */
        @SqlQuery("SELECT name FROM backends ORDER BY name FOR UPDATE")
        List<String> lockBackends();

    }

    /** A secondary replica of a share on a pool. */
    public record ReplicaPlace(String shareId, String host) {
    }

    /** How long a dry run's plan may be applied by its id (the executor forgets it after a day). */
    public static final Duration PROPOSAL_LIFETIME = Duration.ofHours(1);

    /** How a re-plan shows the planner a share whose move failed in the plan: not available, so it stays. */
    static final String HELD = "held (its move failed in this plan)";

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PoolHealth health;
    private final PlacementService placement;
    private final ShareTypeService shareTypes;
    private final Clock clock;
    private final Runnable tickNow;

    /** @param tickNow runs the rebalancing job now, so that an applied or cancelled plan moves on at once */
    public RebalanceService(Jdbi jdbi, BackendRegistry registry, PoolHealth health, PlacementService placement,
                            ShareTypeService shareTypes, Clock clock, Runnable tickNow) {
        this.tickNow = tickNow;
        this.jdbi = jdbi;
        this.registry = registry;
        this.health = health;
        this.placement = placement;
        this.shareTypes = shareTypes;
        this.clock = clock;
    }

    /** Every configured pool with known stats; usable when its backend is up and enabled. */
    public List<PlanPool> pools(RequestContext context) {
        requireAdmin(context);
        return pools();
    }

    private List<PlanPool> pools() {
        List<PlanPool> pools = new ArrayList<>();
        for (PoolRow row : jdbi.withExtension(PoolDao.class, PoolDao::list)) {
            Optional<BackendRegistry.PoolEntry> entry = registry.pool(row.name());
            if (entry.isEmpty()) {
                continue;
            }
            PoolState state = new PoolState(row.name(), row.totalCapacityGb(), row.freeCapacityGb(),
                    row.allocatedCapacityGb(), entry.get().config().reservedPercentage(),
                    entry.get().config().reservedShareExtendPercentage(), entry.get().config().thinProvisioning(),
                    entry.get().config().maxOverSubscriptionRatio(), placement.availabilityZoneOf(entry.get()),
                    PoolCapabilities.of(entry.get(), row));
            pools.add(new PlanPool(state, row.backend(), health.isUp(row) && !row.backendDisabled()));
        }
        return pools;
    }

    /** For the rebalancing job: a fresh plan of an applied plan's scope from the state reached. */
    public RebalancePlan replan(PlanScope scope, PlanOptions options, Set<String> held) {
        return plan(scope, options, held).plan();
    }

    /**
     * A plan of the scope over the live state; a drain's secondary replicas on its backend stay (a replica moves by
     * deleting it and creating another), so such a plan says so and is not complete.
     */
    private Planned plan(PlanScope scope, PlanOptions options, Set<String> held) {
        List<PlanPool> all = pools();
        for (String backend : scope.isDrain() ? List.of(scope.drainBackend()) : scope.backends()) {
            if (all.stream().noneMatch(pool -> pool.backend().equals(backend))) {
                throw scope.isDrain() ? ManilaException.notFound("Backend " + backend + " could not be found.")
                        : ManilaException.badRequest("Backend " + backend + " could not be found.");
            }
        }
        List<PlanPool> pools = all.stream().filter(pool -> scope.covers(pool.backend())).toList();
        Set<String> poolNames = pools.stream().map(PlanPool::name).collect(Collectors.toSet());
        List<PlanShare> shares = shares(held).stream().filter(share -> poolNames.contains(share.pool())).toList();
        if (!scope.isDrain()) {
            return new Planned(pools, RebalancePlanner.rebalance(pools, shares, options));
        }
        String backend = scope.drainBackend();
        RebalancePlan plan = RebalancePlanner.drain(backend, pools, shares, options);
        List<Unmovable> replicas = new ArrayList<>();
        for (ReplicaPlace replica : jdbi.withExtension(PlanDao.class, PlanDao::secondaryReplicas)) {
            registry.pool(replica.host()).filter(pool -> pool.backend().equals(backend)).ifPresent(pool ->
                    replicas.add(new Unmovable(replica.shareId(), replica.host(),
                            "a replica of the share is on this backend: delete it (and create one elsewhere)")));
        }
        if (!replicas.isEmpty()) {
            List<Unmovable> unmovable = new ArrayList<>(plan.unmovable());
            unmovable.addAll(replicas);
            plan = new RebalancePlan(plan.moves(), unmovable, plan.before(), plan.after(), plan.spreadBefore(),
                    plan.spreadAfter(), false);
        }
        return new Planned(pools, plan);
    }

    /** A plan and the pools it was made from; {@code id} when it was applied (stored, to be carried out). */
    public record Planned(List<PlanPool> pools, RebalancePlan plan, String id) {
        public Planned(List<PlanPool> pools, RebalancePlan plan) {
            this(pools, plan, null);
        }
    }

    /**
     * A stored plan as it stands: its row, its moves, and for a drain how many shares its backend still holds (a
     * drain is done with its backend only at zero).
     */
    public record Stored(RebalanceDao.PlanRow plan, List<RebalanceDao.MoveRow> moves, Integer sharesLeft) {
    }

    /**
     * A dry run: nothing is carried out, and the plan is kept as proposed for {@link #PROPOSAL_LIFETIME}, so that an
     * admin can apply the very plan they read ({@link #applyProposed}).
     */
    public Planned propose(RequestContext context, PlanScope scope, PlanOptions options) {
        requireAdmin(context);
        Planned planned = plan(scope, options, Set.of());
        String id = UUID.randomUUID().toString();
        jdbi.useTransaction(handle -> store(handle, id, "proposed", scope, options, planned.plan(), context.userId()));
        return new Planned(planned.pools(), planned.plan(), id);
    }

    /**
     * Plans and stores the plan for the rebalancing job to carry out through migrations; one plan at a time (409
     * while another runs). A drain disables its backend in the same transaction (an admin's reason is kept) and
     * plans after taking the backends' locks: every share placed before is in the plan, none lands after.
     */
    public Planned apply(RequestContext context, PlanScope scope, PlanOptions options) {
        requireAdmin(context);
        String id = UUID.randomUUID().toString();
        Planned planned = jdbi.inTransaction(handle -> {
            startRunning(handle, id, scope.drainBackend());
            Planned made = plan(scope, options, Set.of());
            store(handle, id, "running", scope, options, made.plan(), context.userId());
            return made;
        });
        tick();
        return new Planned(planned.pools(), planned.plan(), id);
    }

    /**
     * Carries out a plan a dry run proposed, as it was shown; refused once it is older than {@link #PROPOSAL_LIFETIME}.
     * A share placed on a drained backend since the dry run is left to the job's re-plan.
     */
    public Stored applyProposed(RequestContext context, String id) {
        requireAdmin(context);
        jdbi.useTransaction(handle -> {
            RebalanceDao dao = handle.attach(RebalanceDao.class);
            handle.attach(PlanDao.class).lockBackends(); // before the plan is read: two applies of it do not both pass
            RebalanceDao.PlanRow plan = dao.plan(id).orElseThrow(() ->
                    ManilaException.notFound("Rebalance plan " + id + " could not be found."));
            if (!"proposed".equals(plan.status())) {
                throw ManilaException.conflict("Rebalance plan " + id + " is " + plan.status() + ", not proposed.");
            }
            if (plan.createdAt().plus(PROPOSAL_LIFETIME).isBefore(clock.instant())) {
                throw ManilaException.conflict("Rebalance plan " + id + " was made more than "
                        + PROPOSAL_LIFETIME.toMinutes() + " minutes ago: the pools have moved on, make a new one.");
            }
            refuseWhileOneRuns(handle);
            disableDrained(handle, id, "drain".equals(plan.kind()) ? plan.backend() : null);
            dao.applyProposed(id, context.userId(), clock.instant());
        });
        tick();
        return stored(context, id);
    }

    /** In the apply's transaction: one plan running at a time, on every node; a drained backend takes nothing new. */
    private void startRunning(Handle handle, String id, String drainBackend) {
        handle.attach(PlanDao.class).lockBackends();
        refuseWhileOneRuns(handle);
        disableDrained(handle, id, drainBackend);
    }

    private static void refuseWhileOneRuns(Handle handle) {
        if (!handle.attach(RebalanceDao.class).active().isEmpty()) {
            throw ManilaException.conflict("A rebalance plan is running: wait for it or cancel it first.");
        }
    }

    private void disableDrained(Handle handle, String id, String drainBackend) {
        if (drainBackend != null) {
            handle.attach(PoolDao.class).disableKeepingReason(drainBackend, "draining (rebalance plan " + id + ")",
                    clock.instant());
        }
    }

    /** The job's schedule moves the plan on anyway: a failure to run it now is only logged. */
    private void tick() {
        try {
            tickNow.run();
        } catch (RuntimeException e) {
            LOG.warn("could not run the rebalancing job now (its schedule will): {}", e.getMessage());
        }
    }

    private void store(Handle handle, String id, String status, PlanScope scope, PlanOptions options, RebalancePlan plan,
                       String createdBy) {
        Instant now = clock.instant();
        RebalanceDao dao = handle.attach(RebalanceDao.class);
        dao.insertPlan(id, scope.isDrain() ? "drain" : "rebalance", scope.drainBackend(), status, createdBy, now,
                options.bandPoints(), options.maxMoves(), options.maxGib(),
                scope.backends().isEmpty() ? null : String.join(",", scope.backends()),
                "running".equals(status) ? createdBy : null);
        List<Move> moves = plan.moves();
        dao.insertMoves(id, IntStream.range(0, moves.size()).boxed().toList(), moves, now, 0);
    }

    /** A stored plan (proposed or applied) as it stands. */
    public Stored stored(RequestContext context, String id) {
        requireAdmin(context);
        return jdbi.withHandle(handle -> {
            RebalanceDao dao = handle.attach(RebalanceDao.class);
            RebalanceDao.PlanRow plan = dao.plan(id).orElseThrow(() ->
                    ManilaException.notFound("Rebalance plan " + id + " could not be found."));
            Integer sharesLeft = "drain".equals(plan.kind()) ? dao.sharesOn(plan.backend()) : null;
            return new Stored(plan, dao.moves(id), sharesLeft);
        });
    }

    /** Every stored plan, proposed or applied, newest first. */
    public List<RebalanceDao.PlanRow> storedPlans(RequestContext context) {
        requireAdmin(context);
        return jdbi.withExtension(RebalanceDao.class, RebalanceDao::plans);
    }

    /** Stops starting moves; the ones under way are cancelled ({@code cancelInFlight}) or finish. */
    public Stored cancel(RequestContext context, String id, boolean cancelInFlight) {
        Stored stored = stored(context, id);
        if (jdbi.withExtension(RebalanceDao.class, dao -> dao.cancel(id, cancelInFlight, clock.instant())) == 0) {
            throw ManilaException.conflict("Rebalance plan " + id + " is " + stored.plan().status() + ", not running.");
        }
        tick();
        return stored(context, id);
    }

    /** Every placed share; a share {@code held} stays where it is (the planner moves only available shares). */
    private List<PlanShare> shares(Set<String> held) {
        Map<String, Map<String, String>> specs = new HashMap<>();
        List<PlanShare> shares = new ArrayList<>();
        for (ShareRow row : jdbi.withExtension(PlanDao.class, PlanDao::placedShares)) {
            Map<String, String> extraSpecs = specs.computeIfAbsent(row.shareTypeId(), shareTypes::extraSpecs);
            String status = held.contains(row.id()) ? HELD : row.status();
            shares.add(new PlanShare(row.id(), row.sizeGb(), extraSpecs, row.availabilityZone(), row.host(), status,
                    row.hasReplicas()));
        }
        return shares;
    }

    private static void requireAdmin(RequestContext context) {
        if (!context.admin()) {
            throw ManilaException.forbidden("Policy doesn't allow rebalancing to be performed.");
        }
    }
}
