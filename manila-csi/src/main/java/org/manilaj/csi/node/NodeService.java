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
import org.manilaj.csi.VolumeContext;
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
            case "bind" -> CommandMounters.bind(options.bindRoot());
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
            String location = exportLocation(request.getVolumeId(), request.getVolumeContextMap().get(VolumeContext.EXPORT_LOCATION));
            PublishRecord wanted = new PublishRecord(request.getVolumeId(), target.toString(), location, readOnly, flags,
                    false, false);
            return locks.with(target.toString(), () -> publish(wanted, target));
        });
    }

    private NodePublishVolumeResponse publish(PublishRecord wanted, Path target) {
        Optional<PublishRecord> existing = records.find(target);
        // the mount table first: a stat of a mount whose server is gone would hang
        Optional<PublishRecord> ours = existing.filter(record -> record.sameRequest(wanted));
        if (MountTable.isMountPoint(target)) {
            if (ours.isPresent() && ours.get().mounted()) {
                return NodePublishVolumeResponse.getDefaultInstance();
            }
            if (ours.isEmpty()) {
                throw CsiErrors.alreadyExists("target " + target + " already has a volume mounted with other arguments"
                        + existing.map(record -> " (volume " + record.volumeId() + (record.readOnly() ? ", read-only)" : ")"))
                        .orElse(""));
            }
            // our own mount from a command that failed or was cut short: not trusted, made again
            if (!undoFailedMount(ours.get(), target)) {
                throw CsiErrors.internal("a mount left at " + target + " by an earlier attempt cannot be removed; retry later");
            }
        }
        if (!Files.isDirectory(target.getParent())) {
            throw CsiErrors.invalid("the parent of target_path " + target + " does not exist (the CO creates it)");
        }
        // recorded before the directory is made, so a crash in between still knows the directory is ours
        boolean create = !Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        PublishRecord record = wanted.withCreatedTarget(create || ours.map(PublishRecord::createdTarget).orElse(false));
        records.save(record);
        if (create) {
            createDirectory(target);
        } else if (!Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            records.remove(target);
            throw CsiErrors.invalid("target_path " + target + " exists and is not a directory");
        }
        try {
            mounter.mount(ExportLocation.parse(record.exportLocation()), target, record.readOnly(), record.flags());
        } catch (MountFailedException e) {
            LOG.error("volume {}: mounting {} at {} failed: {}", record.volumeId(), record.exportLocation(), target, e.getMessage());
            if (!undoFailedMount(record, target)) {
                throw CsiErrors.internal("mounting volume " + record.volumeId() + " failed and left a mount that could not be "
                        + "removed; a retry removes it first (the node plugin's log has the details)");
            }
            throw CsiErrors.internal("mounting volume " + record.volumeId() + " failed (the node plugin's log has the details)");
        }
        records.save(record.asMounted());
        LOG.info("volume {}: {} mounted at {}{}", record.volumeId(), record.exportLocation(), target,
                record.readOnly() ? " read-only" : "");
        return NodePublishVolumeResponse.getDefaultInstance();
    }

    /**
     * After a mount command failed: a helper may still have mounted (and a FUSE daemon may live on), so
     * unmount what is there; the record goes only once nothing is mounted, so a later call can finish.
     */
    private boolean undoFailedMount(PublishRecord record, Path target) {
        if (MountTable.isMountPoint(target)) {
            try {
                mounter.unmount(target);
            } catch (MountFailedException e) {
                LOG.error("volume {}: removing the failed mount at {} failed: {}", record.volumeId(), target, e.getMessage());
                return false;
            }
        }
        records.remove(target);
        if (record.createdTarget()) {
            removeDirectory(record, target);
        }
        return true;
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
            return locks.with(target.toString(), () -> unpublish(request.getVolumeId(), target));
        });
    }

    /** Touches only what this plugin published there for this volume; anything else is "not published": success. */
    private NodeUnpublishVolumeResponse unpublish(String volumeId, Path target) {
        Optional<PublishRecord> record = records.find(target);
        if (record.isEmpty() || !record.get().volumeId().equals(volumeId)) {
            LOG.info("volume {}: not published at {} by this plugin; nothing to do", volumeId, target);
            return NodeUnpublishVolumeResponse.getDefaultInstance();
        }
        if (MountTable.isMountPoint(target)) {
            try {
                mounter.unmount(target);
            } catch (MountFailedException e) {
                LOG.error("volume {}: unmounting {} failed: {}", volumeId, target, e.getMessage());
                throw CsiErrors.internal("unmounting " + target + " failed (the node plugin's log has the details)");
            }
            LOG.info("volume {}: unmounted from {}", volumeId, target);
            if (MountTable.isMountPoint(target)) {
                throw CsiErrors.internal("target " + target + " is still a mount point: something else is mounted under ours");
            }
        }
        if (record.get().createdTarget()) {
            removeDirectory(record.get(), target);
        }
        records.remove(target);
        return NodeUnpublishVolumeResponse.getDefaultInstance();
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
            if (record.isEmpty() || !record.get().volumeId().equals(request.getVolumeId()) || !MountTable.isMountPoint(path)) {
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

    /**
     * The target with its parent's symbolic links resolved (kubelet's directory often is one), as the kernel's
     * mount table names it; the target itself is never followed.
     */
    private static Path target(String text) {
        if (text.indexOf('\0') >= 0 || !text.startsWith("/")) {
            throw CsiErrors.invalid("target_path must be an absolute path");
        }
        Path path = Path.of(text).normalize();
        if (path.getParent() == null) {
            throw CsiErrors.invalid("target_path must not be the root directory");
        }
        try {
            return path.getParent().toRealPath().resolve(path.getFileName());
        } catch (IOException e) {
            return path; // no parent yet: publish refuses it, unpublish finds nothing there
        }
    }

    private static void createDirectory(Path target) {
        try {
            Files.createDirectory(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the (unmounted) target this plugin made; one that someone filled is left alone, never emptied. */
    private static void removeDirectory(PublishRecord record, Path target) {
        try {
            Files.deleteIfExists(target);
        } catch (DirectoryNotEmptyException e) {
            LOG.warn("volume {}: {} holds files although nothing is mounted there; left as it is", record.volumeId(), target);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
