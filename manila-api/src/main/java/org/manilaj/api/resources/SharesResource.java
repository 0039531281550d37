package org.manilaj.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.manilaj.api.dto.JsonValues;
import org.manilaj.api.dto.ShareCreateRequest;
import org.manilaj.api.dto.ShareListParams;
import org.manilaj.api.dto.ShareUpdateRequest;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.api.views.ExportLocationView;
import org.manilaj.api.views.ShareView;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.access.AccessService;
import org.manilaj.core.migration.MigrationService;
import org.manilaj.core.share.NewShare;
import org.manilaj.core.share.ShareDetails;
import org.manilaj.core.share.ShareResizeService;
import org.manilaj.core.share.ShareService;
import org.manilaj.core.share.ShareUpdate;

/** Manila's shares collection ({@code /v2/shares}, also reachable as {@code /v2/{project_id}/shares}). */
@Path("/v2/shares")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class SharesResource {
    private final ShareService shares;
    private final ShareActions actions;

    public SharesResource(ShareService shares, ShareResizeService resize, AccessService access, MigrationService migrations) {
        this.shares = shares;
        this.actions = new ShareActions(shares, resize, access, migrations);
    }

    /** Creates a share; it starts {@code creating} and becomes {@code available} or {@code error}. */
    @POST
    public Map<String, Object> create(@Context ContainerRequestContext request, @Context UriInfo uri,
                                      ShareCreateRequest body) {
        ShareCreateRequest.Body share = JsonValues.required(body == null ? null : body.share(), "share");
        if (share.snapshotId() != null || share.shareNetworkId() != null || share.shareGroupId() != null) {
            throw ManilaException.badRequest("Creating shares from snapshots, in share networks or in share groups"
                    + " is not supported by this service.");
        }
        NewShare newShare = new NewShare(share.shareProto(), JsonValues.integer(share.size(), "size"),
                firstNonNull(share.name(), share.displayName()), firstNonNull(share.description(), share.displayDescription()),
                firstNonNull(share.shareType(), share.volumeType()), share.availabilityZone(),
                JsonValues.bool(share.isPublic(), "is_public"), share.metadata());
        ShareDetails created = shares.create(context(request), newShare);
        return Map.of("share", view(request, uri).detail(created));
    }

    /** Summaries: id, name and links. */
    @GET
    public Map<String, Object> list(@Context ContainerRequestContext request, @Context UriInfo uri,
                                    @BeanParam ShareListParams params) {
        ShareView view = view(request, uri);
        return Map.of("shares", shares.list(context(request), params.toQuery(), false).stream()
                .map(details -> view.summary(details.share())).toList());
    }

    /** Full share objects. */
    @GET
    @Path("detail")
    public Map<String, Object> detail(@Context ContainerRequestContext request, @Context UriInfo uri,
                                      @BeanParam ShareListParams params) {
        ShareView view = view(request, uri);
        return Map.of("shares", shares.list(context(request), params.toQuery(), true).stream().map(view::detail).toList());
    }

    @GET
    @Path("{shareId}")
    public Map<String, Object> show(@Context ContainerRequestContext request, @Context UriInfo uri,
                                    @PathParam("shareId") String shareId) {
        return Map.of("share", view(request, uri).detail(shares.get(context(request), shareId)));
    }

    /** Changes name, description or visibility. */
    @PUT
    @Path("{shareId}")
    public Map<String, Object> update(@Context ContainerRequestContext request, @Context UriInfo uri,
                                      @PathParam("shareId") String shareId, ShareUpdateRequest body) {
        ShareUpdateRequest.Body share = JsonValues.required(body == null ? null : body.share(), "share");
        ShareUpdate update = new ShareUpdate(firstNonNull(share.name(), share.displayName()),
                firstNonNull(share.description(), share.displayDescription()), JsonValues.bool(share.isPublic(), "is_public"));
        return Map.of("share", view(request, uri).detail(shares.update(context(request), shareId, update)));
    }

    /** Starts deleting an {@code available} or {@code error} share: 202, then the share disappears. */
    @DELETE
    @Path("{shareId}")
    public Response delete(@Context ContainerRequestContext request, @PathParam("shareId") String shareId) {
        shares.delete(context(request), shareId);
        return Response.accepted().build();
    }

    /** The share's metadata: {@code {"metadata": {...}}}. */
    @GET
    @Path("{shareId}/metadata")
    public Map<String, Object> metadata(@Context ContainerRequestContext request, @PathParam("shareId") String shareId) {
        return Map.of("metadata", shares.metadata(context(request), shareId));
    }

    /** Removes one metadata key (the CSI plugin forgets a retained or archived volume this way). */
    @DELETE
    @Path("{shareId}/metadata/{key}")
    public Response deleteMetadata(@Context ContainerRequestContext request, @PathParam("shareId") String shareId,
                                   @PathParam("key") String key) {
        shares.deleteMetadata(context(request), shareId, key);
        return Response.ok().build();
    }

    /** Export locations (2.9+). */
    @GET
    @Path("{shareId}/export_locations")
    public Map<String, Object> exportLocations(@Context ContainerRequestContext request, @PathParam("shareId") String shareId) {
        ApiVersion version = requireVersion(request, 2, 9);
        RequestContext context = context(request);
        return Map.of("export_locations", shares.exportLocations(context, shareId).stream()
                .map(location -> ExportLocationView.render(location, version, context.admin(), false)).toList());
    }

    @GET
    @Path("{shareId}/export_locations/{exportLocationId}")
    public Map<String, Object> exportLocation(@Context ContainerRequestContext request, @PathParam("shareId") String shareId,
                                              @PathParam("exportLocationId") String exportLocationId) {
        ApiVersion version = requireVersion(request, 2, 9);
        RequestContext context = context(request);
        return Map.of("export_location", ExportLocationView.render(
                shares.exportLocation(context, shareId, exportLocationId), version, context.admin(), true));
    }

    /**
     * Share actions: extend, shrink, allow_access, deny_access, access_list (below 2.45), reset_status
     * and force_delete (admins). Each action's service checks that the caller may see the share.
     */
    @POST
    @Path("{shareId}/action")
    public Response action(@Context ContainerRequestContext request, @PathParam("shareId") String shareId,
                           JsonNode body) {
        return actions.run(context(request), RequestAttributes.version(request), shareId, body);
    }

    static ApiVersion requireVersion(ContainerRequestContext request, int major, int minor) {
        ApiVersion version = RequestAttributes.version(request);
        if (!version.atLeast(major, minor)) {
            throw ManilaException.notFound("The resource could not be found.");
        }
        return version;
    }

    private static ShareView view(ContainerRequestContext request, UriInfo uri) {
        return new ShareView(RequestAttributes.version(request), uri.getBaseUri(), context(request).admin());
    }

    private static RequestContext context(ContainerRequestContext request) {
        return RequestAttributes.context(request);
    }

    private static String firstNonNull(String first, String second) {
        return first != null ? first : second;
    }
}
