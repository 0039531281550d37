package org.manilaj.api.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.api.views.AccessRuleView;
import org.manilaj.core.ManilaException;
import org.manilaj.core.access.AccessService;

/** Manila's access rules API (2.45+): {@code /v2/share-access-rules?share_id=} and {@code /v2/share-access-rules/{id}}. */
@Path("/v2/share-access-rules")
@Produces(MediaType.APPLICATION_JSON)
public final class ShareAccessRulesResource {
    private final AccessService access;

    public ShareAccessRulesResource(AccessService access) {
        this.access = access;
    }

    @GET
    public Map<String, Object> list(@Context ContainerRequestContext request, @QueryParam("share_id") String shareId) {
        ApiVersion version = SharesResource.requireVersion(request, 2, 45);
        if (shareId == null || shareId.isBlank()) {
            throw ManilaException.badRequest("Invalid input received: share_id is required.");
        }
        return Map.of("access_list", access.list(RequestAttributes.context(request), shareId).stream()
                .map(rule -> AccessRuleView.render(rule, version, false)).toList());
    }

    @GET
    @Path("{accessId}")
    public Map<String, Object> show(@Context ContainerRequestContext request, @PathParam("accessId") String accessId) {
        ApiVersion version = SharesResource.requireVersion(request, 2, 45);
        return Map.of("access", AccessRuleView.render(access.get(RequestAttributes.context(request), accessId), version, true));
    }
}
