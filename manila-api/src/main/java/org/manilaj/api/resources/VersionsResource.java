package org.manilaj.api.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.api.filters.NoCaller;

/** Version discovery, as Manila clients expect it before their first real request. */
@Path("/")
@NoCaller
@Produces(MediaType.APPLICATION_JSON)
public final class VersionsResource {
    private static final String UPDATED = "2015-08-27T11:33:21Z";

    /** {@code GET /}: 300 Multiple Choices with every API version. */
    @GET
    public Response versions(@Context UriInfo uri) {
        return Response.status(Response.Status.MULTIPLE_CHOICES)
                .entity(Map.of("versions", List.of(version(uri, "v1.0", "DEPRECATED", "", "", "v1/"),
                        version(uri, "v2.0", "CURRENT", ApiVersion.MAX.toString(), ApiVersion.MIN.toString(), "v2/"))))
                .build();
    }

    /** {@code GET /v2/}: the v2 API's microversion range. */
    @GET
    @Path("v2")
    public Map<String, Object> v2(@Context UriInfo uri) {
        return Map.of("versions", List.of(version(uri, "v2.0", "CURRENT", ApiVersion.MAX.toString(),
                ApiVersion.MIN.toString(), "v2/")));
    }

    private static Map<String, Object> version(UriInfo uri, String id, String status, String max, String min, String path) {
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("id", id);
        version.put("status", status);
        version.put("version", max);
        version.put("min_version", min);
        version.put("updated", UPDATED);
        version.put("links", List.of(
                Map.of("rel", "describedby", "type", "text/html", "href", "http://docs.openstack.org/"),
                Map.of("rel", "self", "href", uri.getBaseUri().toString() + path)));
        version.put("media-types", List.of(Map.of("base", "application/json",
                "type", "application/vnd.openstack.share+json;version=1")));
        return version;
    }
}
