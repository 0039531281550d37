package org.manilaj.csi.controller;

import com.google.protobuf.Int64Value;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.manilaj.csi.CsiErrors;
import org.manilaj.csi.KeyedLocks;
import org.manilaj.csi.Rpc;
import org.manilaj.csi.VolumeCapabilities;
import org.manilaj.csi.VolumeContext;
import org.manilaj.csi.api.AccessRuleInfo;
import org.manilaj.csi.api.ApiException;
import org.manilaj.csi.api.ManilaApi;
import org.manilaj.csi.api.NewShare;
import org.manilaj.csi.api.ShareInfo;
import org.manilaj.csi.v1.CapacityRange;
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
 * The CSI controller: volumes are the shares of the plugin's project that carry the
 * {@value VolumeMetadata#VOLUME_NAME} metadata key (shares made otherwise are not volumes, so the plugin
 * never deletes or exposes them); a volume is published to a node by an {@code ip} access rule for the
 * node's address, never to everyone. Everything goes through the REST API.
 */
public final class ControllerService extends ControllerGrpc.ControllerImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerService.class);
    private static final int LIST_PAGE = 1000;
    private static final String ARCHIVED = "archived-";
    /** Oldest first: when two plugin processes raced on one name, both settle on the same share. */
    private static final Comparator<ShareInfo> OLDEST_FIRST = Comparator.comparing(ShareInfo::createdAt)
            .thenComparing(ShareInfo::id);

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
        Optional<ShareInfo> existing = oldestNamed(name);
        if (existing.isPresent()) {
            ShareInfo share = existing.get();
            if (!compatible(share, request.getCapacityRange(), parameters, zone)) {
                throw CsiErrors.alreadyExists("volume " + name + " exists as share " + share.id() + " with "
                        + share.sizeGib() + " GiB of type " + share.shareTypeName() + " in zone "
                        + share.availabilityZone() + ", which this request does not match");
            }
            if (!share.status().equals("error")) {
                return awaitAvailable(share);
            }
            if (!api.exportLocations(share.id()).isEmpty()) {
                // it was provisioned once: its data is not ours to throw away
                throw CsiErrors.internal("share " + share.id() + " of volume " + name + " is in error; an administrator must look at it");
            }
            LOG.info("volume {}: share {} failed to be created earlier; deleting it and creating another", name, share.id());
            api.delete(share.id());
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
        ShareInfo available = awaitAvailable(created);
        // another plugin process may have made this name too (a rolling update overlaps two controllers):
        // asked after both creates committed, every process sees the same oldest share and keeps that one
        ShareInfo oldest = oldestNamed(name).orElse(available);
        if (!oldest.id().equals(available.id())) {
            LOG.warn("volume {}: share {} was created concurrently before {}; keeping the older one", name, oldest.id(),
                    available.id());
            api.delete(available.id());
            return awaitAvailable(oldest);
        }
        return available;
    }

    private Optional<ShareInfo> oldestNamed(String name) {
        return api.sharesNamed(name).stream()
                .filter(share -> name.equals(share.metadata().get(VolumeMetadata.VOLUME_NAME)))
                .filter(share -> !share.status().equals("deleting") && !share.status().equals("error_deleting"))
                .min(OLDEST_FIRST);
    }

    /** Same size range, type, zone, onDelete and rootMode as the share made for an earlier request. */
    private static boolean compatible(ShareInfo share, CapacityRange range, VolumeParameters parameters, String zone) {
        boolean zoneMatches = zone == null || zone.equals(share.availabilityZone()) || share.availabilityZone() == null;
        return Capacities.fits(share.sizeGib(), range) && zoneMatches && parametersMatch(share, parameters);
    }

    private static boolean parametersMatch(ShareInfo share, VolumeParameters parameters) {
        boolean typeMatches = parameters.shareType() == null
                || parameters.shareType().equals(share.shareTypeName()) || parameters.shareType().equals(share.shareTypeId());
        boolean zoneMatches = parameters.availabilityZone() == null
                || parameters.availabilityZone().equals(share.availabilityZone());
        return typeMatches && zoneMatches
                && parameters.onDelete().wireName().equals(share.metadata().get(VolumeMetadata.ON_DELETE))
                && Objects.equals(parameters.rootMode(), share.metadata().get(VolumeMetadata.ROOT_MODE));
    }

    /** Waits for {@code available}; a share that fails to be created is deleted and its reason reported. */
    private ShareInfo awaitAvailable(ShareInfo share) {
        Optional<ShareInfo> settled = settled(share.id());
        if (settled.isEmpty()) {
            throw CsiErrors.aborted("share " + share.id() + " was deleted while it was being created; retry");
        }
        if (settled.get().status().equals("available")) {
            return settled.get();
        }
        String reason = api.latestMessage(share.id()).orElse("the share could not be created");
        api.delete(share.id());
        throw CsiErrors.failedOperation(reason);
    }

    private Volume volume(ShareInfo share) {
        Volume.Builder volume = Volume.newBuilder().setVolumeId(share.id()).setCapacityBytes(share.sizeGib() * Capacities.GIB);
        List<String> exports = api.exportLocations(share.id());
        if (!exports.isEmpty()) {
            volume.putVolumeContext(VolumeContext.EXPORT_LOCATION, exports.get(0));
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
            locks.with(id, () -> {
                Optional<ShareInfo> share = find(id).flatMap(found -> settled(found.id())).filter(ControllerService::isVolume);
                share.ifPresent(this::delete);
                return null;
            });
            return DeleteVolumeResponse.getDefaultInstance();
        });
    }

    private void delete(ShareInfo share) {
        String id = share.id();
        VolumeParameters.OnDelete onDelete = VolumeParameters.OnDelete.find(share.metadata().get(VolumeMetadata.ON_DELETE))
                .orElseThrow(() -> CsiErrors.precondition("share " + id + " does not say what to do on delete (metadata "
                        + VolumeMetadata.ON_DELETE + "); it is left alone"));
        switch (onDelete) {
            case RETAIN -> {
                api.deleteMetadata(id, VolumeMetadata.VOLUME_NAME);
                LOG.info("volume {}: share kept and forgotten (onDelete retain)", id);
            }
            case ARCHIVE -> archive(share);
            case DELETE -> {
                if (!share.status().equals("available") && !share.status().equals("error")) {
                    throw CsiErrors.precondition("share " + id + " is " + share.status()
                            + " and cannot be deleted; an administrator must look at it");
                }
                api.delete(id);
                poller.await("share " + id + " to be deleted", () -> {
                    Optional<ShareInfo> now = api.share(id);
                    if (now.isPresent() && now.get().status().equals("error_deleting")) {
                        throw CsiErrors.internal("share " + id + " could not be deleted; an administrator must look at it");
                    }
                    return now.isEmpty() ? Optional.of(Boolean.TRUE) : Optional.empty();
                });
                LOG.info("volume {}: share deleted", id);
            }
        }
    }

    /**
     * Keeps the share but cuts every client off, renames it and forgets it, so that nobody mistakes it for a
     * live volume. Each step is repeatable; the volume is forgotten last, so a retry after a crash finishes.
     */
    private void archive(ShareInfo share) {
        for (AccessRuleInfo rule : api.accessRules(share.id())) {
            api.deny(share.id(), rule.id());
        }
        String name = share.name() == null ? "" : share.name();
        if (!name.startsWith(ARCHIVED)) {
            String archived = ARCHIVED + name;
            api.rename(share.id(), archived.substring(0, Math.min(archived.length(), 255)));
        }
        poller.await("the access rules of share " + share.id() + " to be removed",
                () -> api.accessRules(share.id()).isEmpty() ? Optional.of(Boolean.TRUE) : Optional.empty());
        api.deleteMetadata(share.id(), VolumeMetadata.VOLUME_NAME);
        LOG.info("volume {}: share archived (access revoked, renamed {}{}, forgotten)", share.id(), ARCHIVED, name);
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
            String address = NodeAddresses.of(request.getNodeId());
            String level = request.getReadonly() || VolumeCapabilities.readOnly(request.getVolumeCapability()) ? "ro" : "rw";
            boolean singleNode = VolumeCapabilities.singleNode(request.getVolumeCapability());
            locks.with(request.getVolumeId(), () -> publish(request.getVolumeId(), address, level, singleNode));
            return ControllerPublishVolumeResponse.newBuilder().putPublishContext("accessLevel", level).build();
        });
    }

    private AccessRuleInfo publish(String volumeId, String address, String level, boolean singleNode) {
        ShareInfo share = find(volumeId).flatMap(found -> settled(found.id())).filter(ControllerService::isVolume)
                .orElseThrow(() -> CsiErrors.notFound("volume " + volumeId + " does not exist"));
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
            String node = request.getNodeId().isEmpty() ? "" : NodeAddresses.normalised(request.getNodeId());
            locks.with(request.getVolumeId(), () -> {
                Optional<ShareInfo> share = find(request.getVolumeId()).filter(ControllerService::isVolume);
                if (share.isEmpty()) {
                    return null;
                }
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
            ShareInfo share = find(request.getVolumeId()).filter(ControllerService::isVolume)
                    .orElseThrow(() -> CsiErrors.notFound("volume " + request.getVolumeId() + " does not exist"));
            for (VolumeCapability capability : request.getVolumeCapabilitiesList()) {
                Optional<String> reason = VolumeCapabilities.unsupported(capability);
                if (reason.isPresent()) {
                    return ValidateVolumeCapabilitiesResponse.newBuilder().setMessage(reason.get()).build();
                }
            }
            if (!request.getParametersMap().isEmpty()) {
                try {
                    if (!parametersMatch(share, VolumeParameters.parse(request.getParametersMap()))) {
                        return ValidateVolumeCapabilitiesResponse.newBuilder()
                                .setMessage("the parameters do not match those the volume was created with").build();
                    }
                } catch (StatusRuntimeException e) {
                    return ValidateVolumeCapabilitiesResponse.newBuilder().setMessage(e.getStatus().getDescription()).build();
                }
            }
            return ValidateVolumeCapabilitiesResponse.newBuilder().setConfirmed(
                    ValidateVolumeCapabilitiesResponse.Confirmed.newBuilder()
                            .putAllVolumeContext(request.getVolumeContextMap())
                            .addAllVolumeCapabilities(request.getVolumeCapabilitiesList())
                            .putAllParameters(request.getParametersMap())).build();
        });
    }

    /**
     * Volumes oldest first. The token is the API offset of the next share to look at and the id of the share
     * before it, so a page boundary that moved (a share deleted before it) is noticed, not skipped over.
     */
    @Override
    public void listVolumes(ListVolumesRequest request, StreamObserver<ListVolumesResponse> observer) {
        Rpc.respond(observer, () -> {
            if (request.getMaxEntries() < 0) {
                throw CsiErrors.invalid("max_entries must not be negative");
            }
            ListToken start = ListToken.parse(request.getStartingToken());
            if (start.lastId() != null) {
                List<ShareInfo> previous = api.page(start.offset() - 1, 1);
                if (previous.isEmpty() || !previous.get(0).id().equals(start.lastId())) {
                    throw CsiErrors.aborted("starting_token is stale: the volume list changed since; list again from the start");
                }
            }
            int wanted = request.getMaxEntries() == 0 ? Integer.MAX_VALUE : request.getMaxEntries();
            ListVolumesResponse.Builder response = ListVolumesResponse.newBuilder();
            int offset = start.offset();
            String lastSeen = start.lastId();
            boolean exhausted = false;
            while (response.getEntriesCount() < wanted && !exhausted) {
                List<ShareInfo> page = api.page(offset, LIST_PAGE);
                exhausted = page.isEmpty();
                for (ShareInfo share : page) {
                    if (response.getEntriesCount() == wanted) {
                        break;
                    }
                    offset++;
                    lastSeen = share.id();
                    if (isVolume(share)) {
                        response.addEntries(ListVolumesResponse.Entry.newBuilder().setVolume(Volume.newBuilder()
                                .setVolumeId(share.id()).setCapacityBytes(share.sizeGib() * Capacities.GIB)));
                    }
                }
            }
            // whether anything follows is asked, not guessed from a page's length (the API caps pages)
            if (!exhausted && !api.page(offset, 1).isEmpty()) {
                response.setNextToken(new ListToken(offset, lastSeen).text());
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
            ShareInfo expanded = locks.with(request.getVolumeId(), () -> expand(request, newGib));
            return ControllerExpandVolumeResponse.newBuilder().setCapacityBytes(expanded.sizeGib() * Capacities.GIB)
                    .setNodeExpansionRequired(false).build();
        });
    }

    private ShareInfo expand(ControllerExpandVolumeRequest request, int newGib) {
        ShareInfo share = find(request.getVolumeId()).flatMap(found -> settled(found.id())).filter(ControllerService::isVolume)
                .orElseThrow(() -> CsiErrors.notFound("volume " + request.getVolumeId() + " does not exist"));
        if (!share.status().equals("available")) {
            throw CsiErrors.precondition("share " + share.id() + " is " + share.status()
                    + " and cannot be extended; an administrator must look at it");
        }
        if (share.sizeGib() >= newGib) {
            long limit = request.getCapacityRange().getLimitBytes();
            if (limit > 0 && share.sizeGib() * Capacities.GIB > limit) {
                throw CsiErrors.outOfRange("volume " + share.id() + " already has " + share.sizeGib()
                        + " GiB, more than limit_bytes " + limit + "; shares do not shrink here");
            }
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
        ShareInfo settled = settled(share.id())
                .orElseThrow(() -> CsiErrors.notFound("volume " + share.id() + " was deleted while it was being extended"));
        if (settled.sizeGib() >= newGib && settled.status().equals("available")) {
            LOG.info("volume {}: extended to {} GiB", share.id(), newGib);
            return settled;
        }
        throw CsiErrors.failedOperation(api.latestMessage(share.id()).orElse("the share could not be extended"));
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

    /** A share the plugin made for a volume and has not forgotten (retained and archived ones are forgotten). */
    private static boolean isVolume(ShareInfo share) {
        String name = share.metadata().get(VolumeMetadata.VOLUME_NAME);
        return name != null && !name.isEmpty();
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

    /** The share once no operation runs on it, or empty when it is gone. */
    private Optional<ShareInfo> settled(String shareId) {
        return poller.await("share " + shareId + " to finish its current operation", () -> {
            Optional<ShareInfo> now = api.share(shareId);
            return now.isEmpty() ? Optional.of(Optional.<ShareInfo>empty())
                    : now.get().settled() ? Optional.of(now) : Optional.empty();
        });
    }

    private static void requireVolumeId(String volumeId) {
        if (volumeId.isEmpty()) {
            throw CsiErrors.invalid("volume_id is required");
        }
    }
}
