package org.manilaj.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.DELETE;
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
import java.util.Map;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.api.views.ExportLocationView;
import org.manilaj.api.views.ShareReplicaView;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.replication.ReplicaService;

/**
 * Manila's share-replicas API (2.11+; the experimental header is accepted as Manila does before 2.56):
 * create, list, detail, show, delete, the actions, and a replica's export locations (2.47+).
 */
@Path("/v2/share-replicas")
@Produces(MediaType.APPLICATION_JSON)
public final class ShareReplicasResource {
    private final ReplicaService replicas;

    public ShareReplicasResource(ReplicaService replicas) {
        this.replicas = replicas;
    }

    @POST
    public Response create(@Context ContainerRequestContext request, JsonNode body) {
        SharesResource.requireVersion(request, 2, 11);
        JsonNode replica = body == null ? null : body.get("share_replica");
        if (replica == null || !replica.isObject()) {
            throw ManilaException.badRequest("Malformed request body: 'share_replica' is required.");
        }
        JsonNode hints = replica.get("scheduler_hints");
        if (hints != null && !hints.isNull() && !hints.isObject()) {
            throw ManilaException.badRequest("scheduler_hints must be an object.");
        }
        String onlyHost = hints == null || hints.isNull() ? null : text(hints, "only_host");
        ReplicaService.ReplicaView created = replicas.create(context(request), text(replica, "share_id"),
                text(replica, "availability_zone"), onlyHost);
        return Response.accepted(Map.of("share_replica", ShareReplicaView.detail(created, context(request).admin(),
                replicas.readable(created.share())))).build();
    }

    @GET
    public Map<String, Object> list(@Context ContainerRequestContext request, @QueryParam("share_id") String shareId) {
        SharesResource.requireVersion(request, 2, 11);
        return Map.of("share_replicas", replicas.list(context(request), shareId).stream()
                .map(ShareReplicaView::summary).toList());
    }

    @GET
    @Path("detail")
    public Map<String, Object> detail(@Context ContainerRequestContext request, @QueryParam("share_id") String shareId) {
        SharesResource.requireVersion(request, 2, 11);
        boolean admin = context(request).admin();
        return Map.of("share_replicas", replicas.list(context(request), shareId).stream()
                .map(replica -> ShareReplicaView.detail(replica, admin, replicas.readable(replica.share()))).toList());
    }

    @GET
    @Path("{replicaId}")
    public Map<String, Object> show(@Context ContainerRequestContext request, @PathParam("replicaId") String replicaId) {
        SharesResource.requireVersion(request, 2, 11);
        ReplicaService.ReplicaView replica = replicas.get(context(request), replicaId);
        return Map.of("share_replica", ShareReplicaView.detail(replica, context(request).admin(),
                replicas.readable(replica.share())));
    }

    @DELETE
    @Path("{replicaId}")
    public Response delete(@Context ContainerRequestContext request, @PathParam("replicaId") String replicaId) {
        SharesResource.requireVersion(request, 2, 11);
        replicas.delete(context(request), replicaId);
        return Response.accepted().build();
    }

    @GET
    @Path("{replicaId}/export-locations")
    public Map<String, Object> exportLocations(@Context ContainerRequestContext request,
                                               @PathParam("replicaId") String replicaId) {
        ApiVersion version = SharesResource.requireVersion(request, 2, 47);
        boolean admin = context(request).admin();
        return Map.of("export_locations", replicas.exportLocations(context(request), replicaId).stream()
                .map(location -> ExportLocationView.render(location, version, admin, true)).toList());
    }

    @GET
    @Path("{replicaId}/export-locations/{exportId}")
    public Map<String, Object> exportLocation(@Context ContainerRequestContext request,
                                              @PathParam("replicaId") String replicaId,
                                              @PathParam("exportId") String exportId) {
        ApiVersion version = SharesResource.requireVersion(request, 2, 47);
        boolean admin = context(request).admin();
        return Map.of("export_location", replicas.exportLocations(context(request), replicaId).stream()
                .filter(location -> location.id().equals(exportId)).findFirst()
                .map(location -> ExportLocationView.render(location, version, admin, true))
                .orElseThrow(() -> ManilaException.notFound("Export location " + exportId + " could not be found.")));
    }

    /** {@code promote}, {@code resync}, and for admins {@code reset_status}, {@code reset_replica_state}, {@code force_delete}. */
    @POST
    @Path("{replicaId}/action")
    public Response action(@Context ContainerRequestContext request, @PathParam("replicaId") String replicaId,
                           JsonNode body) {
        SharesResource.requireVersion(request, 2, 11);
        if (body == null || !body.isObject() || body.size() != 1) {
            throw ManilaException.badRequest("Malformed request body: an action body has exactly one key.");
        }
        String action = body.fieldNames().next();
        JsonNode arguments = body.get(action);
        RequestContext context = context(request);
        switch (action) {
            case "promote" -> {
                ReplicaService.ReplicaView replica = replicas.promote(context, replicaId, force(arguments));
                Map<String, Object> view = Map.of("share_replica", ShareReplicaView.detail(replica, context.admin(),
                        replicas.readable(replica.share())));
                // 200 when it was the active replica already
                return replica.replica().isActive() ? Response.ok(view).build() : Response.accepted(view).build();
            }
            case "resync" -> replicas.resync(context, replicaId);
            case "reset_status" -> replicas.resetStatus(context, replicaId, text(object(arguments, action), "status"));
            case "reset_replica_state" -> replicas.resetReplicaState(context, replicaId,
                    text(object(arguments, action), "replica_state"));
            case "force_delete" -> replicas.forceDelete(context, replicaId);
            default -> throw ManilaException.badRequest("There is no such action: " + action);
        }
        return Response.accepted().build();
    }

    /** {@code "promote": {"force": true}}: an admin's extension to Manila's body (null, or an object of options). */
    private static boolean force(JsonNode arguments) {
        if (arguments == null || arguments.isNull() || !arguments.isObject() || !arguments.has("force")) {
            return false;
        }
        JsonNode force = arguments.get("force");
        if (!force.isBoolean()) {
            throw ManilaException.badRequest("force must be true or false.");
        }
        return force.asBoolean();
    }

    private static JsonNode object(JsonNode arguments, String action) {
        if (arguments == null || !arguments.isObject()) {
            throw ManilaException.badRequest("Malformed request body: " + action + " needs an object.");
        }
        return arguments;
    }

    private static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ManilaException.badRequest(field + " must be a string.");
        }
        return value.asText();
    }

    private static RequestContext context(ContainerRequestContext request) {
        return RequestAttributes.context(request);
    }
}
