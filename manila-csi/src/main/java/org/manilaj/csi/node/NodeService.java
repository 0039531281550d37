package org.manilaj.csi.node;

import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.manilaj.csi.CsiErrors;
import org.manilaj.csi.KeyedLocks;
import org.manilaj.csi.PluginOptions;
import org.manilaj.csi.Rpc;
import org.manilaj.csi.VolumeCapabilities;
import org.manilaj.csi.api.ManilaApi;
import org.manilaj.csi.v1.NodeGetCapabilitiesRequest;
import org.manilaj.csi.v1.NodeGetCapabilitiesResponse;
import org.manilaj.csi.v1.NodeGetInfoRequest;
import org.manilaj.csi.v1.NodeGetInfoResponse;
import org.manilaj.csi.v1.NodeGetVolumeStatsRequest;
import org.manilaj.csi.v1.NodeGetVolumeStatsResponse;
import org.manilaj.csi.v1.NodeGrpc;
import org.manilaj.csi.v1.NodePublishVolumeRequest;
import org.manilaj.csi.v1.NodePublishVolumeResponse;
import org.manilaj.csi.v1.NodeServiceCapability;
import org.manilaj.csi.v1.NodeUnpublishVolumeRequest;
import org.manilaj.csi.v1.NodeUnpublishVolumeResponse;
import org.manilaj.csi.v1.Topology;
import org.manilaj.csi.v1.VolumeUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CSI node: mounts a published share at the CO's target path with the configured {@link Mounter}, and
 * reports usage from the mount. No staging: an NFS share needs no per-node preparation.
 */
public final class NodeService extends NodeGrpc.NodeImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(NodeService.class);
    private static final String EXPORT_LOCATION = "exportLocation";
    /** Mount option words: letters, digits and a few separators, never spaces or shell syntax. */
    private static final Pattern MOUNT_FLAG = Pattern.compile("[A-Za-z0-9_.=:/+-]{1,128}");

    private final String nodeId;
    private final String zone;
    private final String zoneKey;
    private final Mounter mounter;
    private final PublishRecords records;
    private final ManilaApi api;
    private final KeyedLocks locks = new KeyedLocks();

    NodeService(String nodeId, String zone, String zoneKey, Mounter mounter, PublishRecords records, ManilaApi api) {
        this.nodeId = nodeId;
        this.zone = zone;
        this.zoneKey = zoneKey;
        this.mounter = mounter;
        this.records = records;
        this.api = api;
    }

    public static NodeService of(PluginOptions options, String nodeId, ManilaApi api) {
        Mounter mounter = switch (options.mounter()) {
            case "bind" -> CommandMounters.bind();
            case "command" -> CommandMounters.command(options.mountCommand(), options.umountCommand(), options.nfsMountOptions());
            default -> CommandMounters.nfs(options.nfsMountOptions());
        };
        return new NodeService(nodeId, options.zone(), options.zoneKey(), mounter, new PublishRecords(options.stateDir()), api);
    }

    @Override
    public void nodePublishVolume(NodePublishVolumeRequest request, StreamObserver<NodePublishVolumeResponse> observer) {
        Rpc.respond(observer, () -> {
            if (request.getVolumeId().isEmpty()) {
                throw CsiErrors.invalid("volume_id is required");
            }
            if (request.getTargetPath().isEmpty()) {
                throw CsiErrors.invalid("target_path is required");
            }
            if (!request.hasVolumeCapability()) {
                throw CsiErrors.invalid("volume_capability is required");
            }
            VolumeCapabilities.require(request.getVolumeCapability());
            List<String> flags = request.getVolumeCapability().getMount().getMountFlagsList();
            flags.forEach(flag -> {
                if (!MOUNT_FLAG.matcher(flag).matches()) {
                    throw CsiErrors.invalid("mount flag " + flag + " is not a plain mount option");
                }
            });
            Path target = target(request.getTargetPath());
            boolean readOnly = request.getReadonly() || VolumeCapabilities.readOnly(request.getVolumeCapability());
            String location = exportLocation(request.getVolumeId(), request.getVolumeContextMap().get(EXPORT_LOCATION));
            PublishRecord wanted = new PublishRecord(request.getVolumeId(), target.toString(), location, readOnly, flags);
            return locks.with(target.toString(), () -> publish(wanted, target));
        });
    }

    private NodePublishVolumeResponse publish(PublishRecord wanted, Path target) {
        if (Files.isDirectory(target) && MountTable.isMountPoint(target)) {
            Optional<PublishRecord> existing = records.find(target);
            if (existing.isPresent() && existing.get().sameRequest(wanted)) {
                return NodePublishVolumeResponse.getDefaultInstance();
            }
            throw CsiErrors.alreadyExists("target " + target + " already has a volume mounted with other arguments"
                    + existing.map(record -> " (volume " + record.volumeId() + (record.readOnly() ? ", read-only)" : ")")).orElse(""));
        }
        if (!Files.isDirectory(target.getParent())) {
            throw CsiErrors.invalid("the parent of target_path " + target + " does not exist (the CO creates it)");
        }
        boolean created = createDirectory(target);
        records.save(wanted);
        try {
            mounter.mount(ExportLocation.parse(wanted.exportLocation()), target, wanted.readOnly(), wanted.flags());
        } catch (MountFailedException e) {
            LOG.error("volume {}: mounting {} at {} failed: {}", wanted.volumeId(), wanted.exportLocation(), target, e.getMessage());
            records.remove(target);
            if (created) {
                removeDirectory(target);
            }
            throw CsiErrors.internal("mounting volume " + wanted.volumeId() + " failed (the node plugin's log has the details)");
        }
        LOG.info("volume {}: {} mounted at {}{}", wanted.volumeId(), wanted.exportLocation(), target,
                wanted.readOnly() ? " read-only" : "");
        return NodePublishVolumeResponse.getDefaultInstance();
    }

    @Override
    public void nodeUnpublishVolume(NodeUnpublishVolumeRequest request, StreamObserver<NodeUnpublishVolumeResponse> observer) {
        Rpc.respond(observer, () -> {
            if (request.getVolumeId().isEmpty()) {
                throw CsiErrors.invalid("volume_id is required");
            }
            if (request.getTargetPath().isEmpty()) {
                throw CsiErrors.invalid("target_path is required");
            }
            Path target = target(request.getTargetPath());
            return locks.with(target.toString(), () -> {
                if (Files.isDirectory(target) && MountTable.isMountPoint(target)) {
                    try {
                        mounter.unmount(target);
                    } catch (MountFailedException e) {
                        LOG.error("volume {}: unmounting {} failed: {}", request.getVolumeId(), target, e.getMessage());
                        throw CsiErrors.internal("unmounting " + target + " failed (the node plugin's log has the details)");
                    }
                    LOG.info("volume {}: unmounted from {}", request.getVolumeId(), target);
                }
                if (Files.isDirectory(target) && !MountTable.isMountPoint(target)) {
                    removeDirectory(target);
                }
                records.remove(target);
                return NodeUnpublishVolumeResponse.getDefaultInstance();
            });
        });
    }

    @Override
    public void nodeGetVolumeStats(NodeGetVolumeStatsRequest request, StreamObserver<NodeGetVolumeStatsResponse> observer) {
        Rpc.respond(observer, () -> {
            if (request.getVolumeId().isEmpty()) {
                throw CsiErrors.invalid("volume_id is required");
            }
            if (request.getVolumePath().isEmpty()) {
                throw CsiErrors.invalid("volume_path is required");
            }
            Path path = target(request.getVolumePath());
            Optional<PublishRecord> record = records.find(path);
            if (!Files.isDirectory(path) || !MountTable.isMountPoint(path) || record.isEmpty()
                    || !record.get().volumeId().equals(request.getVolumeId())) {
                throw CsiErrors.notFound("volume " + request.getVolumeId() + " is not published at " + path);
            }
            VolumeStats stats;
            try {
                stats = VolumeStats.of(path);
            } catch (MountFailedException e) {
                LOG.error("volume {}: statfs of {} failed: {}", request.getVolumeId(), path, e.getMessage());
                throw CsiErrors.internal("reading the usage of " + path + " failed");
            }
            return NodeGetVolumeStatsResponse.newBuilder()
                    .addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(stats.totalBytes())
                            .setAvailable(stats.availableBytes()).setUsed(stats.usedBytes()))
                    .addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.INODES).setTotal(stats.totalInodes())
                            .setAvailable(stats.freeInodes()).setUsed(stats.usedInodes()))
                    .build();
        });
    }

    @Override
    public void nodeGetCapabilities(NodeGetCapabilitiesRequest request, StreamObserver<NodeGetCapabilitiesResponse> observer) {
        Rpc.respond(observer, () -> NodeGetCapabilitiesResponse.newBuilder()
                .addCapabilities(NodeServiceCapability.newBuilder().setRpc(NodeServiceCapability.RPC.newBuilder()
                        .setType(NodeServiceCapability.RPC.Type.GET_VOLUME_STATS)))
                .build());
    }

    @Override
    public void nodeGetInfo(NodeGetInfoRequest request, StreamObserver<NodeGetInfoResponse> observer) {
        Rpc.respond(observer, () -> NodeGetInfoResponse.newBuilder().setNodeId(nodeId)
                .setAccessibleTopology(Topology.newBuilder().putSegments(zoneKey, zone)).build());
    }

    /** The export location from the volume context, or (for a volume made elsewhere) from the service. */
    private String exportLocation(String volumeId, String fromContext) {
        if (fromContext != null && !fromContext.isEmpty()) {
            return ExportLocation.parse(fromContext).text();
        }
        if (!volumeId.matches("[0-9a-fA-F-]{36}") || api.share(volumeId).isEmpty()) {
            throw CsiErrors.notFound("volume " + volumeId + " does not exist");
        }
        List<String> locations = api.exportLocations(volumeId);
        if (locations.isEmpty()) {
            throw CsiErrors.precondition("volume " + volumeId + " has no export location yet");
        }
        return ExportLocation.parse(locations.get(0)).text();
    }

    private static Path target(String text) {
        if (text.indexOf('\0') >= 0 || !text.startsWith("/")) {
            throw CsiErrors.invalid("target_path must be an absolute path");
        }
        Path path = Path.of(text).normalize();
        if (path.getParent() == null) {
            throw CsiErrors.invalid("target_path must not be the root directory");
        }
        return path;
    }

    private static boolean createDirectory(Path target) {
        try {
            Files.createDirectory(target);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(target)) {
                throw CsiErrors.invalid("target_path " + target + " exists and is not a directory");
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the (unmounted) target; a directory someone filled is left alone rather than emptied. */
    private static void removeDirectory(Path target) {
        try {
            Files.deleteIfExists(target);
        } catch (DirectoryNotEmptyException e) {
            throw CsiErrors.internal("target " + target + " is not a mount point and not empty; left as it is");
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
