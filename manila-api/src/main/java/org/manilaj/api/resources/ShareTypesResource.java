package org.manilaj.api.resources;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import java.util.List;
import java.util.Map;
import org.manilaj.api.dto.ExtraSpecsRequest;
import org.manilaj.api.dto.JsonValues;
import org.manilaj.api.dto.ShareTypeCreateRequest;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.api.views.ShareTypeView;
import org.manilaj.core.ManilaException;
import org.manilaj.core.model.ShareType;
import org.manilaj.core.service.ShareTypeService;

/** Share types and their extra specs ({@code /v2/types}). */
@Path("/v2/types")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ShareTypesResource {
    private final ShareTypeService types;

    public ShareTypesResource(ShareTypeService types) {
        this.types = types;
    }

    @GET
    public Map<String, Object> list(@Context ContainerRequestContext request) {
        ApiVersion version = RequestAttributes.version(request);
        List<Map<String, Object>> views = types.list().stream()
                .map(type -> ShareTypeView.render(type, types.isDefault(type), version)).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("volume_types", views);
        body.put("share_types", views);
        return body;
    }

    /** Creates a type; {@code driver_handles_share_servers} is required and must be false. */
    @POST
    public Map<String, Object> create(@Context ContainerRequestContext request, ShareTypeCreateRequest body) {
        requireAdmin(request, "create");
        ShareTypeCreateRequest.Body type = JsonValues.required(
                body == null ? null : body.shareType() != null ? body.shareType() : body.volumeType(), "share_type");
        Boolean isPublic = JsonValues.bool(type.isPublic() != null ? type.isPublic() : type.legacyIsPublic(),
                "share_type_access:is_public");
        return wrap(types.create(type.name(), type.description(), isPublic, type.extraSpecs()), request);
    }

    /** A type by id; {@code default} names the configured default type. */
    @GET
    @Path("{typeId}")
    public Map<String, Object> show(@Context ContainerRequestContext request, @PathParam("typeId") String typeId) {
        return wrap(typeId.equals("default") ? types.getDefault() : types.get(typeId), request);
    }

    @DELETE
    @Path("{typeId}")
    public Response delete(@Context ContainerRequestContext request, @PathParam("typeId") String typeId) {
        requireAdmin(request, "delete");
        types.delete(typeId);
        return Response.accepted().build();
    }

    @GET
    @Path("{typeId}/extra_specs")
    public Map<String, Object> extraSpecs(@PathParam("typeId") String typeId) {
        return Map.of("extra_specs", types.get(typeId).extraSpecs());
    }

    @POST
    @Path("{typeId}/extra_specs")
    public Map<String, Object> setExtraSpecs(@Context ContainerRequestContext request, @PathParam("typeId") String typeId,
                                             ExtraSpecsRequest body) {
        requireAdmin(request, "extra_spec:create");
        Map<String, Object> specs = JsonValues.required(body == null ? null : body.extraSpecs(), "extra_specs");
        return Map.of("extra_specs", types.setExtraSpecs(typeId, specs));
    }

    @GET
    @Path("{typeId}/extra_specs/{key}")
    public Map<String, Object> extraSpec(@PathParam("typeId") String typeId, @PathParam("key") String key) {
        String value = types.get(typeId).extraSpecs().get(key);
        if (value == null) {
            throw ManilaException.notFound("Share Type " + typeId + " has no extra specs with key " + key + ".");
        }
        return Map.of(key, value);
    }

    @DELETE
    @Path("{typeId}/extra_specs/{key}")
    public Response unsetExtraSpec(@Context ContainerRequestContext request, @PathParam("typeId") String typeId,
                                   @PathParam("key") String key) {
        requireAdmin(request, "extra_spec:delete");
        types.unsetExtraSpec(typeId, key);
        return Response.accepted().build();
    }

    private static void requireAdmin(ContainerRequestContext request, String action) {
        if (!RequestAttributes.context(request).admin()) {
            throw ManilaException.forbidden("Policy doesn't allow share_type:" + action + " to be performed.");
        }
    }

    private Map<String, Object> wrap(ShareType type, ContainerRequestContext request) {
        Map<String, Object> view = ShareTypeView.render(type, types.isDefault(type), RequestAttributes.version(request));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("volume_type", view);
        body.put("share_type", view);
        return body;
    }
}
