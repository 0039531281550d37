package org.manilaj.csi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.manilaj.csi.Csi.GIB;
import static org.manilaj.csi.Csi.bytes;
import static org.manilaj.csi.Csi.mount;
import static org.manilaj.csi.Csi.rwx;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.manilaj.api.ManilaConfiguration;
import org.manilaj.csi.api.ManilaApi;
import org.manilaj.csi.v1.ControllerExpandVolumeRequest;
import org.manilaj.csi.v1.ControllerGrpc;
import org.manilaj.csi.v1.ControllerPublishVolumeRequest;
import org.manilaj.csi.v1.ControllerUnpublishVolumeRequest;
import org.manilaj.csi.v1.CreateVolumeRequest;
import org.manilaj.csi.v1.DeleteVolumeRequest;
import org.manilaj.csi.v1.IdentityGrpc;
import org.manilaj.csi.v1.NodeGetInfoRequest;
import org.manilaj.csi.v1.NodeGetVolumeStatsRequest;
import org.manilaj.csi.v1.NodeGrpc;
import org.manilaj.csi.v1.NodePublishVolumeRequest;
import org.manilaj.csi.v1.NodeUnpublishVolumeRequest;
import org.manilaj.csi.v1.ProbeRequest;
import org.manilaj.csi.v1.Volume;
import org.manilaj.csi.v1.VolumeCapability;
import org.manilaj.csi.v1.VolumeCapability.AccessMode.Mode;
import org.manilaj.csi.v1.VolumeUsage;

/**
 * The packaged plugin jar on a unix socket against the real service, walked through what a container
 * orchestrator does for a pod: create, attach, mount, use, detach, grow, delete. Mounting needs root.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class CsiEndToEndIT {
    private static final ServiceFixture SERVICE = new ServiceFixture("e2e");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = SERVICE.app;

    private static PluginProcess plugin;
    private static ControllerGrpc.ControllerBlockingStub controller;
    private static NodeGrpc.NodeBlockingStub node;
    private static ManilaApi api;

    @BeforeAll
    static void startThePluginJar() throws Exception {
        SERVICE.prepare();
        Path socket = SERVICE.var.resolve("run/csi.sock");
        Files.createDirectories(socket.getParent());
        Files.writeString(socket, "a stale file where the socket goes"); // removed by the plugin at start
        Path credentials = SERVICE.var.resolve("credentials.properties");
        Files.writeString(credentials, "api-url=" + SERVICE.apiUrl() + "\nproject-id=" + ServiceFixture.PROJECT
                + "\ntoken=" + SERVICE.memberToken() + "\n");
        plugin = PluginProcess.start(socket, SERVICE.var.resolve("plugin.log"), List.of("--mode=all",
                "--credentials=" + credentials, "--node-id=127.0.0.1", "--mounter=bind", "--bind-root=" + SERVICE.var.resolve("shares"),
                "--state-dir=" + SERVICE.var.resolve("state"), "--operation-timeout=60s"));
        controller = ControllerGrpc.newBlockingStub(plugin.channel);
        node = NodeGrpc.newBlockingStub(plugin.channel);
        api = new ManilaApi(SERVICE.apiUrl(), ServiceFixture.PROJECT, SERVICE.memberToken(), java.time.Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopThePlugin() throws Exception {
        if (plugin != null) {
            plugin.close();
        }
    }

    @Test
    void helpDocumentsTheFlags() throws Exception {
        Process help = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                PluginProcess.JAR.toString(), "--help").redirectErrorStream(true).start();
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(text).contains("--endpoint", "--mode", "--api-url", "--project-id", "--token-file", "--node-id",
                "--mounter", "--mount-command", "--state-dir");
        Process bad = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                PluginProcess.JAR.toString(), "--no-such-flag=1").redirectErrorStream(true).start();
        assertThat(new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("unknown flag --no-such-flag");
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
    }

    @Test
    void aPodsVolumeFromCreateToDelete() throws Exception {
        assertThat(IdentityGrpc.newBlockingStub(plugin.channel).probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
        String nodeId = node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance()).getNodeId();
        Volume volume = controller.createVolume(CreateVolumeRequest.newBuilder().setName("pvc-e2e").addVolumeCapabilities(rwx())
                .setCapacityRange(bytes(GIB, 0)).putParameters("rootMode", "0777").build()).getVolume();
        String id = volume.getVolumeId();
        controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder().setVolumeId(id).setNodeId(nodeId)
                .setVolumeCapability(rwx()).build());
        assertThat(api.accessRules(id)).singleElement().satisfies(rule -> assertThat(rule.accessTo()).isEqualTo(nodeId));

        if (Privileges.isRoot()) {
            Path target = Files.createDirectories(SERVICE.var.resolve("pods/uid-1/volumes")).resolve("pvc-e2e");
            node.nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(id).setTargetPath(target.toString())
                    .setVolumeCapability(rwx()).putAllVolumeContext(volume.getVolumeContextMap()).build());
            Files.write(target.resolve("data.bin"), new byte[1 << 20]);
            assertThat(Files.size(SERVICE.shareDirectory(id).resolve("data.bin"))).isEqualTo(1 << 20);
            var usage = node.nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId(id)
                    .setVolumePath(target.toString()).build()).getUsageList();
            assertThat(usage).filteredOn(u -> u.getUnit() == VolumeUsage.Unit.BYTES).singleElement()
                    .satisfies(u -> assertThat(u.getUsed()).isGreaterThanOrEqualTo(1 << 20));
            node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(id).setTargetPath(target.toString()).build());
            assertThat(target).doesNotExist();
        }

        controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder().setVolumeId(id).setNodeId(nodeId).build());
        assertThat(api.accessRules(id)).isEmpty();
        assertThat(controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder().setVolumeId(id)
                .setCapacityRange(bytes(2 * GIB, 0)).build()).getCapacityBytes()).isEqualTo(2 * GIB);
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        assertThat(api.share(id)).isEmpty();
        assertThat(Files.readString(plugin.log)).contains("CreateVolume OK in", "NodeGetInfo OK in", "DeleteVolume OK in")
                .doesNotContain(SERVICE.memberToken());
    }

    @Test
    void aReadOnlyPublishRefusesWritesInThePod() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Privileges.isRoot(), "bind mounts need root");
        VolumeCapability readOnly = mount(Mode.MULTI_NODE_READER_ONLY);
        Volume volume = controller.createVolume(CreateVolumeRequest.newBuilder().setName("pvc-e2e-ro")
                .addVolumeCapabilities(readOnly).setCapacityRange(bytes(GIB, 0)).build()).getVolume();
        String id = volume.getVolumeId();
        Files.writeString(SERVICE.shareDirectory(id).resolve("config.txt"), "shared config");
        controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder().setVolumeId(id).setNodeId("127.0.0.1")
                .setVolumeCapability(readOnly).setReadonly(true).build());
        assertThat(api.accessRules(id)).singleElement().satisfies(rule -> assertThat(rule.accessLevel()).isEqualTo("ro"));
        Path target = Files.createDirectories(SERVICE.var.resolve("pods/uid-2/volumes")).resolve("pvc-e2e-ro");
        node.nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(id).setTargetPath(target.toString())
                .setVolumeCapability(readOnly).setReadonly(true).putAllVolumeContext(volume.getVolumeContextMap()).build());
        try {
            assertThat(target.resolve("config.txt")).hasContent("shared config");
            assertThatThrownBy(() -> Files.writeString(target.resolve("config.txt"), "changed")).isInstanceOf(IOException.class);
        } finally {
            node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(id).setTargetPath(target.toString()).build());
        }
        controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder().setVolumeId(id).setNodeId("127.0.0.1").build());
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        assertThat(SERVICE.shareDirectory(id)).doesNotExist();
    }
}
