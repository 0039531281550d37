package org.manilaj.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
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
import org.manilaj.core.autoextend.AutoExtendPolicy;
import org.manilaj.core.types.ShareType;
import org.manilaj.core.types.ShareTypeAccess;
import org.manilaj.core.types.ShareTypeService;

/** Share types and their extra specs ({@code /v2/types}). */
@Path("/v2/types")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ShareTypesResource {
    private final ShareTypeService types;
    private final ShareTypeAccess access;

    public ShareTypesResource(ShareTypeService types, ShareTypeAccess access) {
        this.types = types;
        this.access = access;
    }

    /** The types the caller may use; admins filter with {@code is_public} ({@code true}, {@code false}, {@code all}). */
    @GET
    public Map<String, Object> list(@Context ContainerRequestContext request, @QueryParam("is_public") String isPublic) {
        ApiVersion version = RequestAttributes.version(request);
        List<Map<String, Object>> views = access.list(RequestAttributes.context(request), isPublic).stream()
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
        checkAutoExtend(type.extraSpecs());
        Map<String, Object> created = wrap(types.create(type.name(), type.description(), isPublic, type.extraSpecs()), request);
        Object sent = type.extraSpecs() == null ? null : type.extraSpecs().get(ShareType.DHSS);
        if (sent instanceof Boolean) {
            // Manila's create answer echoes the required spec as it was sent (a JSON boolean); listings show "False"
            @SuppressWarnings("unchecked")
            Map<String, Object> required = (Map<String, Object>) ((Map<String, Object>) created.get("share_type"))
                    .get("required_extra_specs");
            required.put(ShareType.DHSS, sent);
        }
        return created;
    }

    /** A type by id; {@code default} names the configured default type. */
    @GET
    @Path("{typeId}")
    public Map<String, Object> show(@Context ContainerRequestContext request, @PathParam("typeId") String typeId) {
        return wrap(visible(request, typeId), request);
    }

    private ShareType visible(ContainerRequestContext request, String typeId) {
        return access.require(RequestAttributes.context(request), typeId.equals("default") ? types.getDefault() : types.get(typeId));
    }

    /** Admin only: the projects given a private type. */
    @GET
    @Path("{typeId}/share_type_access")
    public Map<String, Object> projects(@Context ContainerRequestContext request, @PathParam("typeId") String typeId) {
        requireAdmin(request, "list_project_access");
        return Map.of("share_type_access", access.projects(typeId).stream()
                .map(project -> Map.of("share_type_id", typeId, "project_id", project))
                .toList());
    }

    /** Admin only: {@code addProjectAccess} or {@code removeProjectAccess} with {@code {"project": id}}. */
    @POST
    @Path("{typeId}/action")
    public Response action(@Context ContainerRequestContext request, @PathParam("typeId") String typeId, JsonNode body) {
        JsonNode add = body == null ? null : body.get("addProjectAccess");
        JsonNode remove = body == null ? null : body.get("removeProjectAccess");
        if ((add == null) == (remove == null) || !(add != null ? add : remove).isObject()) {
            throw ManilaException.badRequest("Invalid request body: give one of addProjectAccess or removeProjectAccess"
                    + " with a project.");
        }
        JsonNode project = (add != null ? add : remove).get("project");
        if (project == null || !project.isTextual()) {
            throw ManilaException.badRequest("Invalid request body: 'project' must be a project id.");
        }
        requireAdmin(request, add != null ? "add_project_access" : "remove_project_access");
        if (add != null) {
            access.addProject(typeId, project.asText());
        } else {
            access.removeProject(typeId, project.asText());
        }
        return Response.accepted().build();
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
    public Map<String, Object> extraSpecs(@Context ContainerRequestContext request, @PathParam("typeId") String typeId) {
        return Map.of("extra_specs", visible(request, typeId).extraSpecs());
    }

    @POST
    @Path("{typeId}/extra_specs")
    public Map<String, Object> setExtraSpecs(@Context ContainerRequestContext request, @PathParam("typeId") String typeId,
                                             ExtraSpecsRequest body) {
        requireAdmin(request, "extra_spec:create");
        Map<String, Object> specs = JsonValues.required(body == null ? null : body.extraSpecs(), "extra_specs");
        checkAutoExtend(specs);
        return Map.of("extra_specs", types.setExtraSpecs(typeId, specs));
    }

    /** The {@code autoextend:} specs are Manila-J's own: a wrong value is a 400 now, not a share that never grows. */
    private static void checkAutoExtend(Map<String, Object> specs) {
        if (specs == null) {
            return;
        }
        Map<String, String> values = new java.util.HashMap<>();
        specs.forEach((key, value) -> values.put(key, value == null ? "" : String.valueOf(value)));
        String problem = AutoExtendPolicy.problem(values);
        if (problem != null) {
            throw ManilaException.badRequest("Invalid extra_spec: " + problem + ".");
        }
    }

    @GET
    @Path("{typeId}/extra_specs/{key}")
    public Map<String, Object> extraSpec(@Context ContainerRequestContext request, @PathParam("typeId") String typeId,
                                         @PathParam("key") String key) {
        String value = visible(request, typeId).extraSpecs().get(key);
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
