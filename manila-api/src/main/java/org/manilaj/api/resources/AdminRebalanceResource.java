package org.manilaj.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.api.views.Timestamps;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.rebalance.PlanScope;
import org.manilaj.core.rebalance.RebalanceDao;
import org.manilaj.core.rebalance.RebalanceService;
import org.manilaj.scheduler.rebalance.Move;
import org.manilaj.scheduler.rebalance.PlanOptions;
import org.manilaj.scheduler.rebalance.PlanPool;
import org.manilaj.scheduler.rebalance.RebalancePlan;

/**
 * Manila-J's admin extension (not Manila's API): the pools' utilisation, and rebalancing and drain plans over the
 * live state: dry runs that say what would move, or applied plans that the rebalancing job carries out through
 * migrations, with their progress and a cancel.
 */
@Path("/v2/admin")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminRebalanceResource {
    private final RebalanceService rebalance;

    public AdminRebalanceResource(RebalanceService rebalance) {
        this.rebalance = rebalance;
    }

    /** Each pool: zone, size, provisioned GiB, overcommit, utilisation (provisioned ÷ size × ratio), usable. */
    @GET
    @Path("pools/utilization")
    public Map<String, Object> utilization(@Context ContainerRequestContext request) {
        List<PlanPool> pools = rebalance.pools(RequestAttributes.context(request));
        return Map.of("pools", pools.stream().map(AdminRebalanceResource::pool).toList());
    }

    /**
     * {@code {"rebalance_plan": {"dry_run": true, "band": 10, "max_moves": 1000, "max_gib": ..., "backends": [...]}}}:
     * the plan (200), kept as proposed for an hour so that {@code POST .../{id}/apply} carries it out as shown; with
     * {@code dry_run: false} it is stored and carried out through migrations at once (202).
     */
    @POST
    @Path("rebalance-plans")
    public Response plan(@Context ContainerRequestContext request, JsonNode body) {
        JsonNode plan = body == null ? null : body.get("rebalance_plan");
        if (plan == null || !plan.isObject()) {
            throw ManilaException.badRequest("Malformed request body: 'rebalance_plan' is required.");
        }
        return planned(request, PlanScope.rebalance(backends(plan)), plan);
    }

    /**
     * {@code {"drain": {"dry_run": true, "max_moves": ..., "max_gib": ...}}}: a plan that empties the backend; applied
     * ({@code dry_run: false}), the backend is disabled first.
     */
    @POST
    @Path("backends/{backend}/drain")
    public Response drain(@Context ContainerRequestContext request, @PathParam("backend") String backend, JsonNode body) {
        JsonNode drain = body == null ? null : body.get("drain");
        if (drain == null || !drain.isObject()) {
            throw ManilaException.badRequest("Malformed request body: 'drain' is required.");
        }
        if (drain.has("backends")) {
            throw ManilaException.badRequest("A drain empties its backend onto every other: 'backends' is for rebalance plans.");
        }
        return planned(request, PlanScope.drain(backend), drain);
    }

    private Response planned(ContainerRequestContext request, PlanScope scope, JsonNode body) {
        JsonNode dryRun = body.get("dry_run");
        if (dryRun == null || !dryRun.isBoolean()) {
            throw ManilaException.badRequest("dry_run (true or false) is required.");
        }
        RequestContext context = RequestAttributes.context(request);
        PlanOptions options = options(body);
        if (dryRun.asBoolean()) {
            RebalanceService.Planned proposed = rebalance.propose(context, scope, options);
            Map<String, Object> view = view(proposed.plan());
            view.put("id", proposed.id());
            view.put("status", "proposed");
            return Response.ok(Map.of("rebalance_plan", view)).build();
        }
        RebalanceService.Planned applied = rebalance.apply(context, scope, options);
        Map<String, Object> view = view(applied.plan());
        view.put("id", applied.id());
        view.put("dry_run", false);
        view.put("status", "running");
        return Response.accepted(Map.of("rebalance_plan", view)).build();
    }

    @GET
    @Path("rebalance-plans")
    public Map<String, Object> plans(@Context ContainerRequestContext request) {
        return Map.of("rebalance_plans", rebalance.storedPlans(RequestAttributes.context(request)).stream()
                .map(plan -> Map.of("id", plan.id(), "kind", plan.kind(), "status", plan.status(),
                        "created_at", Timestamps.format(plan.createdAt()))).toList());
    }

    /** A stored plan's progress: its status and options, each move's status, the counts and GiB by state. */
    @GET
    @Path("rebalance-plans/{id}")
    public Map<String, Object> status(@Context ContainerRequestContext request, @PathParam("id") String id) {
        return Map.of("rebalance_plan", stored(rebalance.stored(RequestAttributes.context(request), id)));
    }

    /** Carries out the plan a dry run proposed, as it was shown (202); 409 once it is an hour old, or while another runs. */
    @POST
    @Path("rebalance-plans/{id}/apply")
    public Response apply(@Context ContainerRequestContext request, @PathParam("id") String id) {
        return Response.accepted(Map.of("rebalance_plan",
                stored(rebalance.applyProposed(RequestAttributes.context(request), id)))).build();
    }

    /** {@code {"cancel": {"in_flight": "finish"}}} (the default) or {@code "cancel"} for the moves under way. */
    @POST
    @Path("rebalance-plans/{id}/cancel")
    public Response cancel(@Context ContainerRequestContext request, @PathParam("id") String id, JsonNode body) {
        JsonNode cancel = body == null ? null : body.get("cancel");
        JsonNode inFlight = cancel == null || !cancel.isObject() ? null : cancel.get("in_flight");
        if (inFlight != null && !(inFlight.isTextual() && List.of("finish", "cancel").contains(inFlight.asText()))) {
            throw ManilaException.badRequest("in_flight must be 'finish' or 'cancel'.");
        }
        boolean cancelInFlight = inFlight != null && "cancel".equals(inFlight.asText());
        return Response.accepted(Map.of("rebalance_plan",
                stored(rebalance.cancel(RequestAttributes.context(request), id, cancelInFlight)))).build();
    }

    private static Map<String, Object> stored(RebalanceService.Stored stored) {
        RebalanceDao.PlanRow plan = stored.plan();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", plan.id());
        view.put("kind", plan.kind());
        view.put("backend", plan.backend());
        view.put("status", plan.status());
        view.put("band", plan.band());
        view.put("max_moves", plan.maxMoves());
        view.put("max_gib", plan.maxGib());
        view.put("backends", plan.backends() == null ? List.of() : List.of(plan.backends().split(",")));
        view.put("replans", plan.replans());
        view.put("created_by", plan.createdBy());
        view.put("applied_by", plan.appliedBy());
        view.put("created_at", Timestamps.format(plan.createdAt()));
        view.put("updated_at", Timestamps.format(plan.updatedAt()));
        if (stored.sharesLeft() != null) {
            view.put("shares_left", stored.sharesLeft());
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Long> gib = new LinkedHashMap<>();
        for (String state : List.of("pending", "running", "done", "failed", "skipped", "cancelled")) {
            counts.put(state, 0);
            gib.put(state, 0L);
        }
        stored.moves().forEach(move -> {
            counts.merge(move.status(), 1, Integer::sum);
            gib.merge(move.status(), (long) move.sizeGb(), Long::sum);
        });
        view.put("moves_by_status", counts);
        view.put("gib_by_status", gib);
        view.put("moves", stored.moves().stream().map(move -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("share_id", move.shareId());
            row.put("size_gb", move.sizeGb());
            row.put("from", move.fromPool());
            row.put("to", move.toPool());
            row.put("status", move.status());
            row.put("error", move.error());
            row.put("round", move.plannedRound());
            return row;
        }).toList());
        return view;
    }

    /** {@code "backends": ["a", "b"]}: the backends whose pools a rebalance levels (all when absent). */
    private static List<String> backends(JsonNode body) {
        JsonNode backends = body.get("backends");
        if (backends == null || backends.isNull()) {
            return List.of();
        }
        if (!backends.isArray() || backends.isEmpty()) {
            throw ManilaException.badRequest("backends must be a non-empty list of backend names.");
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode backend : backends) {
            if (!backend.isTextual()) { // each must be a configured backend's name: the plan checks
                throw ManilaException.badRequest("backends must be a non-empty list of backend names.");
            }
            names.add(backend.asText());
        }
        return List.copyOf(names);
    }

    private static PlanOptions options(JsonNode body) {
        double band = number(body, "band", PlanOptions.DEFAULTS.bandPoints(), 0, 100);
        int maxMoves = (int) number(body, "max_moves", PlanOptions.DEFAULTS.maxMoves(), 0, 100_000);
        long maxGib = (long) number(body, "max_gib", 1e15, 0, 1e15);
        return new PlanOptions(band, maxMoves, maxGib);
    }

    private static double number(JsonNode body, String field, double fallback, double min, double max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
            throw ManilaException.badRequest(field + " must be a number from " + (long) min + " to " + (long) max + ".");
        }
        return value.asDouble();
    }

    private static Map<String, Object> pool(PlanPool pool) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", pool.name());
        view.put("backend", pool.backend());
        view.put("availability_zone", pool.state().availabilityZone());
        view.put("total_capacity_gb", pool.state().totalCapacityGb());
        view.put("provisioned_capacity_gb", pool.state().provisionedCapacityGb());
        view.put("thin_provisioning", pool.state().thinProvisioning());
        view.put("max_over_subscription_ratio", pool.state().maxOverSubscriptionRatio());
        view.put("utilization", finite(pool.utilisation()));
        view.put("usable", pool.usable());
        return view;
    }

    private static Map<String, Object> view(RebalancePlan plan) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("dry_run", true);
        view.put("complete", plan.complete());
        view.put("moves", plan.moves().stream().map(AdminRebalanceResource::move).toList());
        view.put("gib_moved", plan.gibMoved());
        view.put("unmovable", plan.unmovable().stream().map(share -> Map.of("share_id", share.shareId(), "pool",
                share.pool(), "reason", share.reason())).toList());
        view.put("spread_before", finite(plan.spreadBefore()));
        view.put("spread_after", finite(plan.spreadAfter()));
        Map<String, Object> pools = new LinkedHashMap<>();
        plan.before().keySet().stream().sorted().forEach(name -> pools.put(name,
                Map.of("before", finite(plan.before().get(name)), "after", finite(plan.after().get(name)))));
        view.put("utilization", pools);
        return view;
    }

    private static Map<String, Object> move(Move move) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("share_id", move.shareId());
        view.put("size_gb", move.sizeGb());
        view.put("from", move.from());
        view.put("to", move.to());
        view.put("from_utilization", List.of(finite(move.fromBefore()), finite(move.fromAfter())));
        view.put("to_utilization", List.of(finite(move.toBefore()), finite(move.toAfter())));
        return view;
    }

    /** A utilisation rounded to 4 places; a pool of unknown size has none ({@code -1}: JSON has no NaN). */
    private static double finite(Double value) {
        return value == null || value.isNaN() ? -1 : Math.round(value * 10_000) / 10_000.0;
    }
}
