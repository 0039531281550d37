package org.manilaj.api.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.api.filters.RequestAttributes;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.types.ShareType;
import org.manilaj.core.types.ShareTypeAccess;
import org.manilaj.core.types.ShareTypeService;

/**
 * {@code GET /v2/share-capacity} (a Manila-J extension, for any project): the largest share the caller
 * could create now with a share type in a zone, bounded by both the pools (as the scheduler would place
 * it) and the caller's quotas. It names no pool, though it tells a member roughly how much room the
 * roomiest pool has. The CSI plugin's GetCapacity is built on it.
 */
@Path("/v2/share-capacity")
@Produces(MediaType.APPLICATION_JSON)
public final class ShareCapacityResource {
    private final PlacementService placement;
    private final ShareTypeService shareTypes;
    private final ShareTypeAccess typeAccess;
    private final QuotaService quotas;

    public ShareCapacityResource(PlacementService placement, ShareTypeService shareTypes, ShareTypeAccess typeAccess,
                                 QuotaService quotas) {
        this.placement = placement;
        this.shareTypes = shareTypes;
        this.typeAccess = typeAccess;
        this.quotas = quotas;
    }

    @GET
    public Map<String, Object> show(@Context ContainerRequestContext request, @QueryParam("share_type") String shareType,
                                    @QueryParam("availability_zone") String availabilityZone) {
        RequestContext caller = RequestAttributes.context(request);
        if (availabilityZone != null && (availabilityZone.isEmpty() || availabilityZone.length() > 255)) {
            throw ManilaException.badRequest("Invalid availability_zone: 1 to 255 characters.");
        }
        ShareType type = typeAccess.forCreate(caller, shareType);
        long pools = placement.largestPlaceableGib(shareTypes.extraSpecs(type.id()), availabilityZone);
        long quota = quotas.largestNewShareGib(caller.projectId());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("share_type_id", type.id());
        view.put("availability_zone", availabilityZone);
        view.put("largest_placeable_gb", pools);
        view.put("quota_remaining_gb", quota < 0 ? null : quota);
        view.put("available_gb", quota < 0 ? pools : Math.min(pools, quota));
        return Map.of("share_capacity", view);
    }
}
