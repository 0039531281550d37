package org.manilaj.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.api.dto.JsonValues;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.core.ManilaException;
import org.manilaj.core.ProjectIds;
import org.manilaj.core.RequestContext;
import org.manilaj.core.quota.QuotaResource;
import org.manilaj.core.quota.QuotaService;

/**
 * Manila's quota sets: {@code /v2/quota-sets/{project_id}} ({@code os-quota-sets} before 2.7), its
 * {@code defaults} and {@code detail} (2.25+). Members read their own project's; changing quotas, or
 * reading another project's, is for admins.
 */
@Path("/v2/{collection: quota-sets|os-quota-sets}/{projectId}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class QuotaSetsResource {
    private final QuotaService quotas;

    public QuotaSetsResource(QuotaService quotas) {
        this.quotas = quotas;
    }

    @GET
    public Map<String, Object> show(@Context ContainerRequestContext request, @PathParam("collection") String collection,
                                    @PathParam("projectId") String projectId, @QueryParam("user_id") String userId,
                                    @QueryParam("share_type") String shareType) {
        ApiVersion version = check(request, collection, projectId, false, userId, shareType);
        return wrap(projectId, view(quotas.limits(projectId), version));
    }

    @GET
    @Path("defaults")
    public Map<String, Object> defaults(@Context ContainerRequestContext request, @PathParam("collection") String collection,
                                        @PathParam("projectId") String projectId) {
        ApiVersion version = check(request, collection, projectId, false, null, null);
        return wrap(projectId, view(quotas.defaults(), version));
    }

    @GET
    @Path("detail")
    public Map<String, Object> detail(@Context ContainerRequestContext request, @PathParam("collection") String collection,
                                      @PathParam("projectId") String projectId, @QueryParam("user_id") String userId,
                                      @QueryParam("share_type") String shareType) {
        ApiVersion version = check(request, collection, projectId, false, userId, shareType);
        if (!version.atLeast(2, 25)) {
            throw ManilaException.notFound("The resource could not be found.");
        }
        Map<String, Object> view = new LinkedHashMap<>();
        quotas.detail(projectId).forEach((resource, usage) -> {
            if (version.atLeast(2, resource.sinceMinor())) {
                view.put(resource.key(), Map.of("in_use", usage.inUse(), "limit", usage.limit(), "reserved", 0));
            }
        });
        return wrap(projectId, view);
    }

    @PUT
    public Map<String, Object> update(@Context ContainerRequestContext request, @PathParam("collection") String collection,
                                      @PathParam("projectId") String projectId, JsonNode body) {
        ApiVersion version = check(request, collection, projectId, true, null, null);
        JsonNode set = body == null ? null : body.get("quota_set");
        if (set == null || !set.isObject()) {
            throw ManilaException.badRequest("Malformed request body: missing 'quota_set'.");
        }
        Map<QuotaResource, Long> changes = new EnumMap<>(QuotaResource.class);
        for (Iterator<Map.Entry<String, JsonNode>> fields = set.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals("force") || field.getKey().equals("tenant_id")) {
                continue;
            }
            QuotaResource resource = QuotaResource.byKey(field.getKey())
                    .filter(known -> version.atLeast(2, known.sinceMinor()))
                    .orElseThrow(() -> ManilaException.badRequest("Bad key(s) in quota set: " + field.getKey()));
            Integer limit = JsonValues.integer(field.getValue(), field.getKey());
            changes.put(resource, limit == null ? resource.defaultLimit() : limit);
        }
        return wrap(projectId, view(quotas.update(projectId, changes), version));
    }

    @DELETE
    public Response reset(@Context ContainerRequestContext request, @PathParam("collection") String collection,
                          @PathParam("projectId") String projectId) {
        check(request, collection, projectId, true, null, null);
        quotas.reset(projectId);
        return Response.accepted().build();
    }

    private static ApiVersion check(ContainerRequestContext request, String collection, String projectId, boolean change,
                                    String userId, String shareType) {
        ApiVersion version = RequestAttributes.version(request);
        if (collection.equals("os-quota-sets") == version.atLeast(2, 7)) {
            throw ManilaException.notFound("The resource could not be found.");
        }
        ProjectIds.require(projectId);
        if (userId != null || shareType != null) {
            throw ManilaException.badRequest("Per-user and per-share-type quotas are not supported.");
        }
        RequestContext context = RequestAttributes.context(request);
        if (!context.admin() && (change || !context.projectId().equals(projectId))) {
            throw ManilaException.forbidden("Policy doesn't allow quota_set:" + (change ? "update" : "show")
                    + " to be performed.");
        }
        return version;
    }

    private static Map<String, Object> view(Map<QuotaResource, Long> limits, ApiVersion version) {
        Map<String, Object> view = new LinkedHashMap<>();
        limits.forEach((resource, limit) -> {
            if (version.atLeast(2, resource.sinceMinor())) {
                view.put(resource.key(), limit);
            }
        });
        return view;
    }

    private static Map<String, Object> wrap(String projectId, Map<String, Object> values) {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("id", projectId);
        set.putAll(values);
        return Map.of("quota_set", set);
    }
}
