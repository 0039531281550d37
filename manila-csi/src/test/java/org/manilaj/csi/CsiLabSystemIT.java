package org.manilaj.csi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.manilaj.csi.Csi.GIB;
import static org.manilaj.csi.Csi.bytes;
import static org.manilaj.csi.Csi.rwx;

import io.dropwizard.testing.ConfigOverride;
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
import org.manilaj.csi.v1.ControllerGrpc;
import org.manilaj.csi.v1.ControllerPublishVolumeRequest;
import org.manilaj.csi.v1.ControllerUnpublishVolumeRequest;
import org.manilaj.csi.v1.CreateVolumeRequest;
import org.manilaj.csi.v1.DeleteVolumeRequest;
import org.manilaj.csi.v1.NodeGetInfoRequest;
import org.manilaj.csi.v1.NodeGrpc;
import org.manilaj.csi.v1.NodePublishVolumeRequest;
import org.manilaj.csi.v1.NodeUnpublishVolumeRequest;
import org.manilaj.csi.v1.Volume;
import org.manilaj.driver.linux.TestLab;

/**
 * On the lab's real storage hosts (btrfs + NFS-Ganesha over SSH): the node plugin mounts a Ganesha export
 * with the {@code command} mounter (the lab's FUSE NFS client, from the node's own source address), data
 * written in the pod's target path lands on the host, and once the volume is unpublished that address is
 * refused by the NFS server.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class CsiLabSystemIT {
    private static final String NODE = "127.0.0.5";
    private static final ServiceFixture SERVICE = new ServiceFixture("lab", "csi-lab.yml", false,
            ConfigOverride.config("backends[0].ssh.private_key_file", TestLab.privateKey().toString()),
            ConfigOverride.config("backends[0].ssh.known_hosts_file", TestLab.knownHosts().toString()),
            ConfigOverride.config("backends[1].ssh.private_key_file", TestLab.privateKey().toString()),
            ConfigOverride.config("backends[1].ssh.known_hosts_file", TestLab.knownHosts().toString()));
    private static final DropwizardAppExtension<ManilaConfiguration> APP = SERVICE.app;

    private static InProcessPlugin plugin;

    @BeforeAll
    static void startPlugin() throws Exception {
        SERVICE.prepare();
        Path lab = TestLab.LAB;
        String mount = "env BIND_SRC=" + NODE + " LD_PRELOAD=" + lab.resolve("bin/bindsrc.so") + " /usr/bin/python3 "
                + lab.resolve("bin/fusenfs.py") + " nfs://{server}{path}?nfsport=2049&mountport=20048 {target}";
        PluginOptions options = SERVICE.pluginOptions(SERVICE.var.resolve("csi.sock"), SERVICE.var.resolve("state"),
                "--node-id=" + NODE, "--mounter=command", "--mount-command=" + mount, "--umount-command=fusermount -u {target}",
                "--operation-timeout=120s");
        plugin = InProcessPlugin.start(options);
    }

    @AfterAll
    static void stopPlugin() {
        plugin.close();
    }

    @Test
    void aPodWritesThroughAGaneshaExportAndLosesAccessWhenUnpublished() throws Exception {
        ControllerGrpc.ControllerBlockingStub controller = ControllerGrpc.newBlockingStub(plugin.channel);
        NodeGrpc.NodeBlockingStub node = NodeGrpc.newBlockingStub(plugin.channel);
        assertThat(node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance()).getNodeId()).isEqualTo(NODE);
        Volume volume = controller.createVolume(CreateVolumeRequest.newBuilder().setName("pvc-lab").addVolumeCapabilities(rwx())
                .setCapacityRange(bytes(GIB, 0)).putParameters("rootMode", "0777").build()).getVolume();
        String id = volume.getVolumeId();
        String export = volume.getVolumeContextOrThrow("exportLocation");
        int host = export.startsWith(TestLab.address(1) + ":") ? 1 : 2;
        String hostPath = export.substring(export.indexOf(':') + 1);
        assertThat(onHost(host, "stat", "-c", "%a", hostPath)).isEqualTo("777");
        assertThat(canList(export)).as("before publishing, the node's address is not let in").isFalse();

        controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder().setVolumeId(id).setNodeId(NODE)
                .setVolumeCapability(rwx()).build());
        Path target = Files.createDirectories(SERVICE.var.resolve("pods/uid-lab/volumes")).resolve("pvc-lab");
        node.nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(id).setTargetPath(target.toString())
                .setVolumeCapability(rwx()).putAllVolumeContext(volume.getVolumeContextMap()).build());
        try {
            Files.writeString(target.resolve("from-pod.txt"), "written in the container");
        } finally {
            node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(id).setTargetPath(target.toString()).build());
        }
        assertThat(target).doesNotExist();
        assertThat(onHost(host, "cat", hostPath + "/from-pod.txt")).isEqualTo("written in the container");
        assertThat(canList(export)).isTrue();

        controller.controllerUnpublishVolume(ControllerUnpublishVolumeRequest.newBuilder().setVolumeId(id).setNodeId(NODE).build());
        assertThat(canList(export)).as("after unpublishing, the node's address is refused").isFalse();
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        assertThat(onHost(host, "sh", "-c", "test -e '" + hostPath + "' && echo present || echo gone")).isEqualTo("gone");
    }

    private static String onHost(int host, String... argv) {
        return TestLab.onHost(host, List.of(argv)).stdout().trim();
    }

    /** nfs-ls from the node's address: whether the NFS server lets that address in. */
    private static boolean canList(String export) throws IOException, InterruptedException {
        String url = "nfs://" + export.substring(0, export.indexOf(':')) + export.substring(export.indexOf(':') + 1)
                + "?nfsport=2049&mountport=20048";
        ProcessBuilder builder = new ProcessBuilder("nfs-ls", url).redirectErrorStream(true);
        builder.environment().put("BIND_SRC", NODE);
        builder.environment().put("LD_PRELOAD", TestLab.LAB.resolve("bin/bindsrc.so").toString());
        Process process = builder.start();
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }
}
