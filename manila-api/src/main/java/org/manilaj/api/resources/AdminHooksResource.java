package org.manilaj.api.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.api.views.Timestamps;
import org.manilaj.core.ManilaException;
import org.manilaj.core.hooks.HookDao;
import org.manilaj.core.hooks.HookService;

/**
 * Manila-J's admin extension (not Manila's API): the configured hooks with their delivery counts, a hook's recent
 * deliveries (and why the failed ones failed), and redelivering a dead one. Secrets are never shown.
 */
@Path("/v2/admin/hooks")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminHooksResource {
    private final HookService hooks;

    public AdminHooksResource(HookService hooks) {
        this.hooks = hooks;
    }

    @GET
    public Map<String, Object> list(@Context ContainerRequestContext request) {
        return Map.of("hooks", hooks.list(RequestAttributes.context(request)).stream().map(status -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", status.spec().name());
            view.put("type", status.spec().type());
            view.put("phase", status.spec().phase());
            view.put("on_timeout", status.spec().isPre() ? status.spec().onTimeout() : null);
            view.put("events", status.spec().events());
            view.put("max_attempts", status.spec().maxAttempts());
            view.put("pending", status.pending());
            view.put("delivered", status.delivered());
            view.put("dead", status.dead());
            return view;
        }).toList());
    }

    /** {@code ?status=dead|pending|delivered&limit=N} (default 100, at most 1000), newest first. */
    @GET
    @Path("{hook}/deliveries")
    public Map<String, Object> deliveries(@Context ContainerRequestContext request, @PathParam("hook") String hook,
                                          @QueryParam("status") String status, @QueryParam("limit") String limit) {
        int max = 100;
        if (limit != null) {
            try {
                max = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1 || max > 1000) {
                throw ManilaException.badRequest("limit must be a number from 1 to 1000.");
            }
        }
        return Map.of("deliveries", hooks.deliveries(RequestAttributes.context(request), hook, status, max).stream()
                .map(AdminHooksResource::delivery).toList());
    }

    @POST
    @Path("{hook}/deliveries/{event}/redeliver")
    public Response redeliver(@Context ContainerRequestContext request, @PathParam("hook") String hook,
                              @PathParam("event") String event) {
        hooks.redeliver(RequestAttributes.context(request), hook, event);
        return Response.accepted().build();
    }

    private static Map<String, Object> delivery(HookDao.Delivery delivery) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("event_id", delivery.eventId());
        view.put("event_type", delivery.eventType());
        view.put("share_id", delivery.shareId());
        view.put("status", delivery.status());
        view.put("attempts", delivery.attempts());
        view.put("next_attempt_at", "pending".equals(delivery.status()) ? Timestamps.format(delivery.nextAttemptAt()) : null);
        view.put("last_error", delivery.lastError());
        view.put("updated_at", Timestamps.format(delivery.updatedAt()));
        return view;
    }
}
