package org.manilaj.csi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.manilaj.csi.Csi.GIB;
import static org.manilaj.csi.Csi.block;
import static org.manilaj.csi.Csi.bytes;
import static org.manilaj.csi.Csi.fails;
import static org.manilaj.csi.Csi.mount;
import static org.manilaj.csi.Csi.rwx;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.manilaj.api.ManilaConfiguration;
import org.manilaj.csi.v1.ControllerGrpc;
import org.manilaj.csi.v1.CreateVolumeRequest;
import org.manilaj.csi.v1.NodeGetCapabilitiesRequest;
import org.manilaj.csi.v1.NodeGetInfoRequest;
import org.manilaj.csi.v1.NodeGetInfoResponse;
import org.manilaj.csi.v1.NodeGetVolumeStatsRequest;
import org.manilaj.csi.v1.NodeGrpc;
import org.manilaj.csi.v1.NodePublishVolumeRequest;
import org.manilaj.csi.v1.NodeServiceCapability;
import org.manilaj.csi.v1.NodeStageVolumeRequest;
import org.manilaj.csi.v1.NodeUnpublishVolumeRequest;
import org.manilaj.csi.v1.Volume;
import org.manilaj.csi.v1.VolumeUsage;
import org.manilaj.csi.v1.VolumeCapability.AccessMode.Mode;

/** Node RPCs, in process; the mounting ones bind-mount the local backend's shares and need root. */
@ExtendWith(DropwizardExtensionsSupport.class)
class NodeRpcTest {
    private static final ServiceFixture SERVICE = new ServiceFixture("node");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = SERVICE.app;

    private static InProcessPlugin plugin;
    private static NodeGrpc.NodeBlockingStub node;
    private static ControllerGrpc.ControllerBlockingStub controller;
    private static Path pods;

    @BeforeAll
    static void startPlugin() throws Exception {
        SERVICE.prepare();
        PluginOptions options = SERVICE.pluginOptions(SERVICE.var.resolve("csi.sock"), SERVICE.var.resolve("state"));
        plugin = InProcessPlugin.start(options);
        node = NodeGrpc.newBlockingStub(plugin.channel);
        controller = ControllerGrpc.newBlockingStub(plugin.channel);
        pods = Files.createDirectories(SERVICE.var.resolve("pods"));
    }

    @AfterAll
    static void stopPlugin() {
        plugin.close();
    }

    private static boolean root() {
        return Privileges.isRoot();
    }

    private static Volume volume(String name) {
        return controller.createVolume(CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(rwx())
                .setCapacityRange(bytes(GIB, 0)).build()).getVolume();
    }

    private static NodePublishVolumeRequest.Builder publish(Volume volume, Path target) {
        return NodePublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId()).setTargetPath(target.toString())
                .setVolumeCapability(rwx()).putAllVolumeContext(volume.getVolumeContextMap());
    }

    @Test
    void infoNamesTheNodeByItsAddressWithItsZone() {
        NodeGetInfoResponse info = node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance());
        assertThat(info.getNodeId()).isEqualTo("127.0.0.1");
        assertThat(info.getMaxVolumesPerNode()).isZero();
        assertThat(info.getAccessibleTopology().getSegmentsMap()).containsEntry("topology.nfs.csi.manila-j.org/zone", "nova");
        assertThat(node.nodeGetCapabilities(NodeGetCapabilitiesRequest.getDefaultInstance()).getCapabilitiesList())
                .extracting(c -> c.getRpc().getType()).containsExactly(NodeServiceCapability.RPC.Type.GET_VOLUME_STATS);
        fails(Status.Code.UNIMPLEMENTED, () -> node.nodeStageVolume(NodeStageVolumeRequest.newBuilder().setVolumeId("v")
                .setStagingTargetPath("/tmp/s").setVolumeCapability(rwx()).build()));
    }

    @Test
    void publishAndUnpublishRefuseMissingOrUnsafeArguments() {
        Path target = pods.resolve("invalid");
        String id = UUID.randomUUID().toString();
        fails(Status.Code.INVALID_ARGUMENT, () -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setTargetPath(target.toString()).setVolumeCapability(rwx()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(id).setVolumeCapability(rwx()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(id).setTargetPath(target.toString()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(id).setTargetPath(target.toString()).setVolumeCapability(block()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(id).setTargetPath(target.toString()).setVolumeCapability(mount(Mode.MULTI_NODE_MULTI_WRITER, "vers=3 ; reboot"))
                .putVolumeContext("exportLocation", "127.0.0.1:/srv/x").build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(id).setTargetPath(target.toString()).setVolumeCapability(rwx())
                .putVolumeContext("exportLocation", "no-path-here").build()));
        // without an export location in the context the service is asked, and knows no such volume
        fails(Status.Code.NOT_FOUND, () -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(id).setTargetPath(target.toString()).setVolumeCapability(rwx()).build()));
        assertThat(target).doesNotExist();
        fails(Status.Code.INVALID_ARGUMENT, () -> node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder()
                .setTargetPath(target.toString()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(id).build()));
        // nothing published there: success
        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(id).setTargetPath(target.toString()).build());
        fails(Status.Code.INVALID_ARGUMENT, () -> node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumePath(target.toString()).build()));
        fails(Status.Code.INVALID_ARGUMENT, () -> node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId(id).build()));
        fails(Status.Code.NOT_FOUND, () -> node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId(id)
                .setVolumePath(target.toString()).build()));
    }

    @Test
    void publishBindMountsTheShareIdempotentlyAndUnpublishRemovesTheTarget() throws IOException {
        Assumptions.assumeTrue(root(), "bind mounts need root");
        Volume volume = volume("node-bind");
        Path target = pods.resolve("pod-a");
        node.nodePublishVolume(publish(volume, target).build());
        node.nodePublishVolume(publish(volume, target).build()); // same arguments: success, nothing more
        Files.writeString(target.resolve("hello.txt"), "from the pod");
        assertThat(SERVICE.shareDirectory(volume.getVolumeId()).resolve("hello.txt")).hasContent("from the pod");
        fails(Status.Code.ALREADY_EXISTS, () -> node.nodePublishVolume(publish(volume, target).setReadonly(true).build()));

        var stats = node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setVolumePath(target.toString()).build());
        assertThat(stats.getUsageList()).extracting(VolumeUsage::getUnit)
                .containsExactlyInAnyOrder(VolumeUsage.Unit.BYTES, VolumeUsage.Unit.INODES);
        stats.getUsageList().forEach(usage -> {
            assertThat(usage.getTotal()).isPositive();
            assertThat(usage.getUsed()).isPositive().isLessThanOrEqualTo(usage.getTotal());
            assertThat(usage.getAvailable()).isLessThanOrEqualTo(usage.getTotal());
        });
        fails(Status.Code.NOT_FOUND, () -> node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId(UUID.randomUUID().toString()).setVolumePath(target.toString()).build()));

        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setTargetPath(target.toString()).build());
        assertThat(target).doesNotExist();
        assertThat(SERVICE.shareDirectory(volume.getVolumeId()).resolve("hello.txt")).exists();
        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setTargetPath(target.toString()).build());
    }

    @Test
    void readOnlyPublishRefusesWrites() throws IOException {
        Assumptions.assumeTrue(root(), "bind mounts need root");
        Volume volume = volume("node-ro");
        Files.writeString(SERVICE.shareDirectory(volume.getVolumeId()).resolve("data.txt"), "kept");
        Path target = pods.resolve("pod-ro");
        node.nodePublishVolume(publish(volume, target).setVolumeCapability(mount(Mode.MULTI_NODE_READER_ONLY)).build());
        try {
            assertThat(target.resolve("data.txt")).hasContent("kept");
            assertThatThrownBy(() -> Files.writeString(target.resolve("new.txt"), "x")).isInstanceOf(IOException.class)
                    .hasMessageContaining("Read-only");
        } finally {
            node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                    .setTargetPath(target.toString()).build());
        }
        assertThat(target).doesNotExist();
    }

    @Test
    void aFailedMountLeavesNoTargetBehind() {
        Assumptions.assumeTrue(root(), "bind mounts need root");
        Path target = pods.resolve("pod-missing-source");
        String message = fails(Status.Code.INTERNAL, () -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(UUID.randomUUID().toString()).setTargetPath(target.toString()).setVolumeCapability(rwx())
                .putVolumeContext("exportLocation", "127.0.0.1:" + SERVICE.var.resolve("no-such-share")).build()));
        assertThat(message).doesNotContain("no-such-share").contains("log");
        assertThat(target).doesNotExist();
    }

    @Test
    void unpublishTouchesOnlyWhatThisPluginPublishedForThatVolume() throws IOException {
        Assumptions.assumeTrue(root(), "bind mounts need root");
        Volume volume = volume("node-owner");
        Path target = pods.resolve("pod-owner");
        node.nodePublishVolume(publish(volume, target).build());
        try {
            node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(UUID.randomUUID().toString())
                    .setTargetPath(target.toString()).build());
            Files.writeString(target.resolve("still-mounted.txt"), "yes");
            assertThat(SERVICE.shareDirectory(volume.getVolumeId()).resolve("still-mounted.txt")).exists();
        } finally {
            node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                    .setTargetPath(target.toString()).build());
        }
        // a directory the plugin never published is left where it is
        Path someoneElses = Files.createDirectories(pods.resolve("not-ours"));
        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setTargetPath(someoneElses.toString()).build());
        assertThat(someoneElses).isDirectory();
        // a target directory the CO made itself stays after the unmount
        Path made = Files.createDirectories(pods.resolve("made-by-co"));
        node.nodePublishVolume(publish(volume, made).build());
        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setTargetPath(made.toString()).build());
        assertThat(made).isDirectory().isEmptyDirectory();
    }

    @Test
    void aTargetBehindASymbolicLinkIsRecognisedAsMounted() throws IOException {
        Assumptions.assumeTrue(root(), "bind mounts need root");
        Volume volume = volume("node-symlink");
        Path real = Files.createDirectories(SERVICE.var.resolve("kubelet-real/pods"));
        Path link = Files.createSymbolicLink(SERVICE.var.resolve("kubelet"), SERVICE.var.resolve("kubelet-real"));
        Path target = link.resolve("pods/vol");
        node.nodePublishVolume(publish(volume, target).build());
        node.nodePublishVolume(publish(volume, target).build());
        fails(Status.Code.ALREADY_EXISTS, () -> node.nodePublishVolume(publish(volume, target).setReadonly(true).build()));
        assertThat(node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setVolumePath(target.toString()).build()).getUsageCount()).isEqualTo(2);
        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setTargetPath(target.toString()).build());
        assertThat(real.resolve("vol")).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain("kubelet-real");
    }

    @Test
    void theBindMounterMountsNothingOutsideItsRoot() {
        Assumptions.assumeTrue(root(), "bind mounts need root");
        Path target = pods.resolve("pod-etc");
        fails(Status.Code.INTERNAL, () -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(UUID.randomUUID().toString()).setTargetPath(target.toString()).setVolumeCapability(rwx())
                .putVolumeContext("exportLocation", "127.0.0.1:/etc").build()));
        fails(Status.Code.INTERNAL, () -> node.nodePublishVolume(NodePublishVolumeRequest.newBuilder()
                .setVolumeId(UUID.randomUUID().toString()).setTargetPath(target.toString()).setVolumeCapability(rwx())
                .putVolumeContext("exportLocation", "127.0.0.1:" + SERVICE.var.resolve("shares/..")).build()));
        assertThat(target).doesNotExist();
    }

    @Test
    void aMountLeftByAFailedCommandIsNeverConfirmedByARetry() throws Exception {
        Assumptions.assumeTrue(root(), "bind mounts need root");
        Volume volume = volume("node-stuck-mount");
        Path target = pods.resolve("pod-stuck");
        try (FlakyNode flaky = new FlakyNode("false")) {
            fails(Status.Code.INTERNAL, () -> flaky.node.nodePublishVolume(publish(volume, target).build()));
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).contains(target.toString());
            // the mount is there, but no mount command ever succeeded: the retry must not answer OK
            fails(Status.Code.INTERNAL, () -> flaky.node.nodePublishVolume(publish(volume, target).build()));
        } finally {
            new ProcessBuilder("umount", target.toString()).start().waitFor();
        }
        // with a working node plugin the retry replaces the untrusted mount and succeeds
        node.nodePublishVolume(publish(volume, target).build());
        node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setTargetPath(target.toString()).build());
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(target.toString());
    }

    /** A node plugin whose mount command bind-mounts and then exits 3, with the given unmount command. */
    private static final class FlakyNode implements AutoCloseable {
        final NodeGrpc.NodeBlockingStub node;
        private final InProcessPlugin plugin;

        FlakyNode(String umountCommand) throws IOException {
            PluginOptions options = SERVICE.pluginOptions(SERVICE.var.resolve("flaky.sock"), SERVICE.var.resolve("state"),
                    "--mode=node", "--mounter=command", "--mount-command=sh -c MOUNT_AND_FAIL {path} {target}",
                    "--umount-command=" + umountCommand + " {target}");
            List<String> mount = options.mountCommand().stream()
                    .map(word -> word.replace("MOUNT_AND_FAIL", "mount --bind \"$0\" \"$1\" && exit 3")).toList();
            PluginOptions flaky = new PluginOptions(options.endpoint(), options.mode(), options.apiUrl(), options.projectId(),
                    options.token(), options.nodeId(), options.zone(), options.mounter(), options.nfsMountOptions(), mount,
                    options.umountCommand(), options.bindRoot(), options.stateDir(), options.driverName(), options.operationTimeout());
            plugin = InProcessPlugin.start(flaky);
            node = NodeGrpc.newBlockingStub(plugin.channel);
        }

        @Override
        public void close() {
            plugin.close();
        }
    }

    @Test
    void aMountCommandThatMountsAndThenFailsLeavesNoMountAndARetryBehavesTheSame() throws Exception {
        Assumptions.assumeTrue(root(), "bind mounts need root");
        Volume volume = volume("node-flaky-mounter");
        Path target = pods.resolve("pod-flaky");
        try (FlakyNode flaky = new FlakyNode("umount")) {
            for (int attempt = 0; attempt < 2; attempt++) {
                fails(Status.Code.INTERNAL, () -> flaky.node.nodePublishVolume(publish(volume, target).build()));
                assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(target.toString());
                assertThat(target).doesNotExist();
            }
        }
    }
}
