package org.manilaj.csi.controller;

import com.google.protobuf.Int64Value;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.UUID;
import org.manilaj.csi.CsiErrors;
import org.manilaj.csi.KeyedLocks;
import org.manilaj.csi.Rpc;
import org.manilaj.csi.VolumeCapabilities;
import org.manilaj.csi.api.AccessRuleInfo;
import org.manilaj.csi.api.ApiException;
import org.manilaj.csi.api.ManilaApi;
import org.manilaj.csi.api.NewShare;
import org.manilaj.csi.api.ShareInfo;
import org.manilaj.csi.v1.ControllerExpandVolumeRequest;
import org.manilaj.csi.v1.ControllerExpandVolumeResponse;
import org.manilaj.csi.v1.ControllerGetCapabilitiesRequest;
import org.manilaj.csi.v1.ControllerGetCapabilitiesResponse;
import org.manilaj.csi.v1.ControllerGrpc;
import org.manilaj.csi.v1.ControllerPublishVolumeRequest;
import org.manilaj.csi.v1.ControllerPublishVolumeResponse;
import org.manilaj.csi.v1.ControllerServiceCapability;
import org.manilaj.csi.v1.ControllerUnpublishVolumeRequest;
import org.manilaj.csi.v1.ControllerUnpublishVolumeResponse;
import org.manilaj.csi.v1.CreateVolumeRequest;
import org.manilaj.csi.v1.CreateVolumeResponse;
import org.manilaj.csi.v1.DeleteVolumeRequest;
import org.manilaj.csi.v1.DeleteVolumeResponse;
import org.manilaj.csi.v1.GetCapacityRequest;
import org.manilaj.csi.v1.GetCapacityResponse;
import org.manilaj.csi.v1.ListVolumesRequest;
import org.manilaj.csi.v1.ListVolumesResponse;
import org.manilaj.csi.v1.Topology;
import org.manilaj.csi.v1.ValidateVolumeCapabilitiesRequest;
import org.manilaj.csi.v1.ValidateVolumeCapabilitiesResponse;
import org.manilaj.csi.v1.Volume;
import org.manilaj.csi.v1.VolumeCapability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CSI controller: volumes are shares of the plugin's project, published to a node by an {@code ip}
 * access rule for the node's address (never to everyone), all through the REST API.
 */
public final class ControllerService extends ControllerGrpc.ControllerImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerService.class);
    static final String EXPORT_LOCATION = "exportLocation";
    private static final int LIST_PAGE = 1000;

    private final ManilaApi api;
    private final Poller poller;
    private final String zoneKey;
    private final KeyedLocks locks = new KeyedLocks();

    public ControllerService(ManilaApi api, Duration timeout, String zoneKey) {
        this.api = api;
        this.poller = new Poller(timeout);
        this.zoneKey = zoneKey;
    }

    @Override
    public void createVolume(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> observer) {
        Rpc.respond(observer, () -> {
            String name = request.getName();
            if (name.isEmpty()) {
                throw CsiErrors.invalid("name is required");
            }
            if (name.length() > 255 || name.codePoints().anyMatch(Character::isISOControl)) {
                throw CsiErrors.invalid("name must have at most 255 characters and no control characters");
            }
            VolumeCapabilities.require(request.getVolumeCapabilitiesList());
            if (request.hasVolumeContentSource()) {
                throw CsiErrors.invalid("volume content sources (snapshots, clones) are not supported");
            }
            VolumeParameters parameters = VolumeParameters.parse(request.getParametersMap());
            int sizeGib = Capacities.gibFor(request.getCapacityRange());
            String zone = ZoneChoice.choose(parameters.availabilityZone(), request.getAccessibilityRequirements(), zoneKey);
            ShareInfo share = locks.with(name, () -> createOrFind(name, sizeGib, request, parameters, zone));
            return CreateVolumeResponse.newBuilder().setVolume(volume(share)).build();
        });
    }

    private ShareInfo createOrFind(String name, int sizeGib, CreateVolumeRequest request, VolumeParameters parameters,
                                   String zone) {
        for (ShareInfo existing : api.sharesNamed(name)) {
            if (!name.equals(existing.metadata().get(VolumeMetadata.VOLUME_NAME)) || existing.status().equals("deleting")) {
                continue;
            }
            if (!compatible(existing, request, parameters, zone)) {
                throw CsiErrors.alreadyExists("volume " + name + " exists as share " + existing.id() + " with "
                        + existing.sizeGib() + " GiB of type " + existing.shareTypeName() + " in zone "
                        + existing.availabilityZone() + ", which this request does not match");
            }
            if (!existing.status().equals("error")) {
                return awaitAvailable(existing);
            }
            LOG.info("volume {}: share {} ended in error earlier; deleting it and creating another", name, existing.id());
            api.delete(existing.id());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(VolumeMetadata.VOLUME_NAME, name);
        metadata.put(VolumeMetadata.ON_DELETE, parameters.onDelete().wireName());
        if (parameters.rootMode() != null) {
            metadata.put(VolumeMetadata.ROOT_MODE, parameters.rootMode());
        }
        if (parameters.pvcName() != null && parameters.pvcNamespace() != null) {
            metadata.put(VolumeMetadata.PVC_NAME, parameters.pvcName());
            metadata.put(VolumeMetadata.PVC_NAMESPACE, parameters.pvcNamespace());
        }
        ShareInfo created;
        try {
            created = api.create(new NewShare(name, sizeGib, parameters.shareType(), zone, metadata));
        } catch (ApiException e) {
            if (e.status() == 413) {
                throw CsiErrors.exhausted(e.getMessage());
            }
            throw e;
        }
        LOG.info("volume {}: share {} of {} GiB requested", name, created.id(), sizeGib);
        return awaitAvailable(created);
    }

    /** Same size range, type and zone as the share made for an earlier request of this name. */
    private static boolean compatible(ShareInfo existing, CreateVolumeRequest request, VolumeParameters parameters,
                                      String zone) {
        boolean typeMatches = parameters.shareType() == null
                || parameters.shareType().equals(existing.shareTypeName()) || parameters.shareType().equals(existing.shareTypeId());
        boolean zoneMatches = zone == null || zone.equals(existing.availabilityZone()) || existing.availabilityZone() == null;
        return Capacities.fits(existing.sizeGib(), request.getCapacityRange()) && typeMatches && zoneMatches
                && parameters.onDelete().wireName().equals(existing.metadata().getOrDefault(VolumeMetadata.ON_DELETE, "delete"))
                && Objects.equals(parameters.rootMode(), existing.metadata().get(VolumeMetadata.ROOT_MODE));
    }

    /** Waits for {@code available}; a share that ends in error is deleted and its reason reported. */
    private ShareInfo awaitAvailable(ShareInfo share) {
        ShareInfo settled = poller.await("share " + share.id() + " to become available",
                () -> api.share(share.id()).filter(ShareInfo::settled).or(() -> gone(share.id())));
        if (settled.status().equals("available")) {
            return settled;
        }
        String reason = settled.status().equals("gone") ? "the share was deleted while it was being created"
                : api.latestMessage(share.id()).orElse("the share could not be created");
        api.delete(share.id());
        if (reason.contains("No storage could be allocated") || reason.toLowerCase(Locale.ROOT).contains("quota")) {
            throw CsiErrors.exhausted(reason);
        }
        throw CsiErrors.internal(reason);
    }

    private Optional<ShareInfo> gone(String shareId) {
        return api.share(shareId).isPresent() ? Optional.empty()
                : Optional.of(new ShareInfo(shareId, null, "gone", 0, null, null, null, Map.of()));
    }

    private Volume volume(ShareInfo share) {
        Volume.Builder volume = Volume.newBuilder().setVolumeId(share.id()).setCapacityBytes(share.sizeGib() * Capacities.GIB);
        List<String> exports = api.exportLocations(share.id());
        if (!exports.isEmpty()) {
            volume.putVolumeContext(EXPORT_LOCATION, exports.get(0));
        }
        if (share.availabilityZone() != null) {
            volume.addAccessibleTopology(Topology.newBuilder().putSegments(zoneKey, share.availabilityZone()));
        }
        return volume.build();
    }

    @Override
    public void deleteVolume(DeleteVolumeRequest request, StreamObserver<DeleteVolumeResponse> observer) {
        Rpc.respond(observer, () -> {
            String id = request.getVolumeId();
            if (id.isEmpty()) {
                throw CsiErrors.invalid("volume_id is required");
            }
            Optional<ShareInfo> found = find(id);
            if (found.isEmpty()) {
                return DeleteVolumeResponse.getDefaultInstance();
            }
            ShareInfo share = settle(found.get());
            if (share.status().equals("gone")) {
                return DeleteVolumeResponse.getDefaultInstance();
            }
            String onDelete = share.metadata().getOrDefault(VolumeMetadata.ON_DELETE, "delete");
            switch (onDelete) {
                case "retain" -> LOG.info("volume {}: share kept (onDelete retain)", id);
                case "archive" -> archive(share);
                default -> {
                    api.delete(id);
                    poller.await("share " + id + " to be deleted", () -> {
                        Optional<ShareInfo> now = api.share(id);
                        if (now.isPresent() && now.get().status().equals("error_deleting")) {
                            throw CsiErrors.internal("the share could not be deleted; an administrator must look at it");
                        }
                        return now.isEmpty() ? Optional.of(Boolean.TRUE) : Optional.empty();
                    });
                    LOG.info("volume {}: share deleted", id);
                }
            }
            return DeleteVolumeResponse.getDefaultInstance();
        });
    }

    /** Keeps the share but cuts every client off and renames it, so that nobody mistakes it for a live volume. */
    private void archive(ShareInfo share) {
        for (AccessRuleInfo rule : api.accessRules(share.id())) {
            api.deny(share.id(), rule.id());
        }
        String name = share.name() == null ? "" : share.name();
        if (!name.startsWith("archived-")) {
            api.rename(share.id(), "archived-" + name);
        }
        poller.await("the access rules of share " + share.id() + " to be removed",
                () -> api.accessRules(share.id()).isEmpty() ? Optional.of(Boolean.TRUE) : Optional.empty());
        LOG.info("volume {}: share archived (access revoked, renamed archived-{})", share.id(), name);
    }

    @Override
    public void controllerPublishVolume(ControllerPublishVolumeRequest request,
                                        StreamObserver<ControllerPublishVolumeResponse> observer) {
        Rpc.respond(observer, () -> {
            requireVolumeId(request.getVolumeId());
            if (request.getNodeId().isEmpty()) {
                throw CsiErrors.invalid("node_id is required");
            }
            if (!request.hasVolumeCapability()) {
                throw CsiErrors.invalid("volume_capability is required");
            }
            VolumeCapabilities.require(request.getVolumeCapability());
            String address = nodeAddress(request.getNodeId());
            ShareInfo share = find(request.getVolumeId())
                    .orElseThrow(() -> CsiErrors.notFound("volume " + request.getVolumeId() + " does not exist"));
            String level = request.getReadonly() || VolumeCapabilities.readOnly(request.getVolumeCapability()) ? "ro" : "rw";
            boolean singleNode = VolumeCapabilities.singleNode(request.getVolumeCapability());
            locks.with(share.id(), () -> publish(settle(share), address, level, singleNode));
            return ControllerPublishVolumeResponse.newBuilder().putPublishContext("accessLevel", level).build();
        });
    }

    private AccessRuleInfo publish(ShareInfo share, String address, String level, boolean singleNode) {
        if (share.status().equals("gone")) {
            throw CsiErrors.notFound("volume " + share.id() + " does not exist");
        }
        for (AccessRuleInfo rule : api.accessRules(share.id())) {
            if (!rule.accessTo().equals(address)) {
                if (singleNode) {
                    throw CsiErrors.precondition("volume " + share.id() + " is published to " + rule.accessTo()
                            + " and its access mode allows one node only");
                }
                continue;
            }
            if (!rule.accessLevel().equals(level)) {
                throw CsiErrors.alreadyExists("volume " + share.id() + " is published to " + address + " as "
                        + rule.accessLevel() + ", not " + level);
            }
            if (!rule.state().equals("error")) {
                return awaitActive(share.id(), rule);
            }
            api.deny(share.id(), rule.id());
            awaitRuleGone(share.id(), rule.id());
        }
        AccessRuleInfo rule = api.allow(share.id(), address, level);
        LOG.info("volume {}: {} access for {} requested", share.id(), level, address);
        return awaitActive(share.id(), rule);
    }

    private AccessRuleInfo awaitActive(String shareId, AccessRuleInfo rule) {
        AccessRuleInfo settled = poller.await("access for " + rule.accessTo() + " to become active", () -> api.accessRules(shareId)
                .stream().filter(candidate -> candidate.id().equals(rule.id()))
                .filter(candidate -> candidate.state().equals("active") || candidate.state().equals("error")).findFirst());
        if (settled.state().equals("error")) {
            throw CsiErrors.internal("the storage host could not grant access to " + rule.accessTo() + "; the request can be retried");
        }
        return settled;
    }

    private void awaitRuleGone(String shareId, String ruleId) {
        poller.await("access rule " + ruleId + " to be removed", () -> api.accessRules(shareId).stream()
                .noneMatch(rule -> rule.id().equals(ruleId)) ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    @Override
    public void controllerUnpublishVolume(ControllerUnpublishVolumeRequest request,
                                          StreamObserver<ControllerUnpublishVolumeResponse> observer) {
        Rpc.respond(observer, () -> {
            requireVolumeId(request.getVolumeId());
            Optional<ShareInfo> share = find(request.getVolumeId());
            if (share.isEmpty()) {
                return ControllerUnpublishVolumeResponse.getDefaultInstance();
            }
            String node = request.getNodeId().isEmpty() ? "" : normalised(request.getNodeId());
            locks.with(share.get().id(), () -> {
                for (AccessRuleInfo rule : api.accessRules(share.get().id())) {
                    if (node.isEmpty() || rule.accessTo().equals(node)) {
                        api.deny(share.get().id(), rule.id());
                        awaitRuleGone(share.get().id(), rule.id());
                        LOG.info("volume {}: access for {} revoked", share.get().id(), rule.accessTo());
                    }
                }
                return null;
            });
            return ControllerUnpublishVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest request,
                                           StreamObserver<ValidateVolumeCapabilitiesResponse> observer) {
        Rpc.respond(observer, () -> {
            requireVolumeId(request.getVolumeId());
            if (request.getVolumeCapabilitiesCount() == 0) {
                throw CsiErrors.invalid("volume capabilities are required");
            }
            find(request.getVolumeId()).orElseThrow(() -> CsiErrors.notFound("volume " + request.getVolumeId() + " does not exist"));
            for (VolumeCapability capability : request.getVolumeCapabilitiesList()) {
                Optional<String> reason = VolumeCapabilities.unsupported(capability);
                if (reason.isPresent()) {
                    return ValidateVolumeCapabilitiesResponse.newBuilder().setMessage(reason.get()).build();
                }
            }
            try {
                VolumeParameters.parse(request.getParametersMap());
            } catch (StatusRuntimeException e) {
                return ValidateVolumeCapabilitiesResponse.newBuilder().setMessage(e.getStatus().getDescription()).build();
            }
            return ValidateVolumeCapabilitiesResponse.newBuilder().setConfirmed(
                    ValidateVolumeCapabilitiesResponse.Confirmed.newBuilder()
                            .putAllVolumeContext(request.getVolumeContextMap())
                            .addAllVolumeCapabilities(request.getVolumeCapabilitiesList())
                            .putAllParameters(request.getParametersMap())).build();
        });
    }

    @Override
    public void listVolumes(ListVolumesRequest request, StreamObserver<ListVolumesResponse> observer) {
        Rpc.respond(observer, () -> {
            if (request.getMaxEntries() < 0) {
                throw CsiErrors.invalid("max_entries must not be negative");
            }
            ListToken start = ListToken.parse(request.getStartingToken());
            int wanted = request.getMaxEntries() == 0 ? Integer.MAX_VALUE : request.getMaxEntries();
            List<ShareInfo> shares = new ArrayList<>();
            int offset = start.offset();
            if (start.lastId() != null) {
                // the share the previous page ended with must still be where it was, or the listing moved under us
                List<ShareInfo> previous = api.page(offset - 1, 1);
                if (previous.isEmpty() || !previous.get(0).id().equals(start.lastId())) {
                    throw CsiErrors.aborted("starting_token is stale: the volume list changed since; list again from the start");
                }
            }
            boolean more = false;
            while (shares.size() < wanted) {
                int limit = (int) Math.min(LIST_PAGE, (long) wanted - shares.size() + 1);
                List<ShareInfo> page = api.page(offset, limit);
                for (ShareInfo share : page) {
                    if (shares.size() == wanted) {
                        more = true;
                        break;
                    }
                    shares.add(share);
                }
                offset += page.size();
                if (more || page.size() < limit) {
                    break;
                }
            }
            ListVolumesResponse.Builder response = ListVolumesResponse.newBuilder();
            shares.forEach(share -> response.addEntries(ListVolumesResponse.Entry.newBuilder().setVolume(
                    Volume.newBuilder().setVolumeId(share.id()).setCapacityBytes(share.sizeGib() * Capacities.GIB))));
            if (more) {
                response.setNextToken(new ListToken(start.offset() + shares.size(), shares.get(shares.size() - 1).id()).text());
            }
            return response.build();
        });
    }

    @Override
    public void getCapacity(GetCapacityRequest request, StreamObserver<GetCapacityResponse> observer) {
        Rpc.respond(observer, () -> {
            VolumeParameters parameters = VolumeParameters.parse(request.getParametersMap());
            for (VolumeCapability capability : request.getVolumeCapabilitiesList()) {
                if (VolumeCapabilities.unsupported(capability).isPresent()) {
                    return GetCapacityResponse.newBuilder().setAvailableCapacity(0).build();
                }
            }
            String zone = parameters.availabilityZone();
            if (request.hasAccessibleTopology()) {
                String asked = request.getAccessibleTopology().getSegmentsMap().get(zoneKey);
                if (zone != null && asked != null && !zone.equals(asked)) {
                    return GetCapacityResponse.newBuilder().setAvailableCapacity(0).build();
                }
                zone = asked == null ? zone : asked;
            }
            long bytes = api.capacity(parameters.shareType(), zone).availableGib() * Capacities.GIB;
            return GetCapacityResponse.newBuilder().setAvailableCapacity(bytes)
                    .setMaximumVolumeSize(Int64Value.of(bytes))
                    .setMinimumVolumeSize(Int64Value.of(Capacities.GIB)).build();
        });
    }

    @Override
    public void controllerExpandVolume(ControllerExpandVolumeRequest request,
                                       StreamObserver<ControllerExpandVolumeResponse> observer) {
        Rpc.respond(observer, () -> {
            requireVolumeId(request.getVolumeId());
            if (!request.hasCapacityRange()) {
                throw CsiErrors.invalid("capacity_range is required");
            }
            if (request.hasVolumeCapability()) {
                VolumeCapabilities.require(request.getVolumeCapability());
            }
            int newGib = Capacities.gibFor(request.getCapacityRange());
            ShareInfo share = find(request.getVolumeId())
                    .orElseThrow(() -> CsiErrors.notFound("volume " + request.getVolumeId() + " does not exist"));
            ShareInfo expanded = locks.with(share.id(), () -> expand(settle(share), newGib));
            return ControllerExpandVolumeResponse.newBuilder().setCapacityBytes(expanded.sizeGib() * Capacities.GIB)
                    .setNodeExpansionRequired(false).build();
        });
    }

    private ShareInfo expand(ShareInfo share, int newGib) {
        if (share.status().equals("gone")) {
            throw CsiErrors.notFound("volume " + share.id() + " does not exist");
        }
        if (share.sizeGib() >= newGib) {
            return share;
        }
        try {
            api.extend(share.id(), newGib);
        } catch (ApiException e) {
            if (e.status() == 413) {
                throw CsiErrors.exhausted(e.getMessage());
            }
            throw e;
        }
        ShareInfo settled = poller.await("share " + share.id() + " to be extended",
                () -> api.share(share.id()).filter(ShareInfo::settled).or(() -> gone(share.id())));
        if (settled.sizeGib() >= newGib && settled.status().equals("available")) {
            LOG.info("volume {}: extended to {} GiB", share.id(), newGib);
            return settled;
        }
        String reason = api.latestMessage(share.id()).orElse("the share could not be extended");
        if (reason.contains("No storage could be allocated") || reason.toLowerCase(Locale.ROOT).contains("quota")
                || reason.toLowerCase(Locale.ROOT).contains("capacity")) {
            throw CsiErrors.exhausted(reason);
        }
        throw CsiErrors.internal(reason);
    }

    @Override
    public void controllerGetCapabilities(ControllerGetCapabilitiesRequest request,
                                          StreamObserver<ControllerGetCapabilitiesResponse> observer) {
        Rpc.respond(observer, () -> {
            ControllerGetCapabilitiesResponse.Builder response = ControllerGetCapabilitiesResponse.newBuilder();
            for (ControllerServiceCapability.RPC.Type type : List.of(ControllerServiceCapability.RPC.Type.CREATE_DELETE_VOLUME,
                    ControllerServiceCapability.RPC.Type.PUBLISH_UNPUBLISH_VOLUME,
                    ControllerServiceCapability.RPC.Type.PUBLISH_READONLY,
                    ControllerServiceCapability.RPC.Type.LIST_VOLUMES,
                    ControllerServiceCapability.RPC.Type.GET_CAPACITY,
                    ControllerServiceCapability.RPC.Type.EXPAND_VOLUME)) {
                response.addCapabilities(ControllerServiceCapability.newBuilder()
                        .setRpc(ControllerServiceCapability.RPC.newBuilder().setType(type)));
            }
            return response.build();
        });
    }

    /** The share behind a volume id; an id that is not a share id of this project is simply not found. */
    private Optional<ShareInfo> find(String volumeId) {
        try {
            UUID.fromString(volumeId);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return api.share(volumeId);
    }

    /** Waits until no operation runs on the share; status {@code gone} when it disappeared meanwhile. */
    private ShareInfo settle(ShareInfo share) {
        if (share.settled()) {
            return share;
        }
        return poller.await("share " + share.id() + " to finish its current operation",
                () -> api.share(share.id()).filter(ShareInfo::settled).or(() -> gone(share.id())));
    }

    private static void requireVolumeId(String volumeId) {
        if (volumeId.isEmpty()) {
            throw CsiErrors.invalid("volume_id is required");
        }
    }

    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

    /** Node ids are the nodes' IP addresses (what access rules name); anything else is no node we know. */
    private static String nodeAddress(String nodeId) {
        if (!IPV4.matcher(nodeId).matches() && !IPV6.matcher(nodeId).matches()) {
            throw CsiErrors.notFound("node " + nodeId + " is not known: node ids are the nodes' IP addresses");
        }
        try {
            // a literal is parsed, never looked up; IPv6 comes back in one canonical spelling
            return InetAddress.getByName(nodeId).getHostAddress();
        } catch (UnknownHostException e) {
            throw CsiErrors.notFound("node " + nodeId + " is not known: node ids are the nodes' IP addresses");
        }
    }

    private static String normalised(String nodeId) {
        try {
            return nodeAddress(nodeId);
        } catch (StatusRuntimeException e) {
            return nodeId;
        }
    }
}
