package org.manilaj.bench.load;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.manilaj.csi.v1.CapacityRange;
import org.manilaj.csi.v1.ControllerGrpc;
import org.manilaj.csi.v1.ControllerPublishVolumeRequest;
import org.manilaj.csi.v1.CreateVolumeRequest;
import org.manilaj.csi.v1.DeleteVolumeRequest;
import org.manilaj.csi.v1.NodeGetInfoRequest;
import org.manilaj.csi.v1.NodeGrpc;
import org.manilaj.csi.v1.NodePublishVolumeRequest;
import org.manilaj.csi.v1.NodeUnpublishVolumeRequest;
import org.manilaj.csi.v1.Volume;
import org.manilaj.csi.v1.VolumeCapability;

/**
 * The CSI plugin as a container orchestrator drives it, over the plugin's unix socket: N CreateVolume
 * calls one after another (each returns once the share is available), a burst of C concurrent ones, and
 * N NodePublish + NodeUnpublish pairs of one volume (bind mounts: the plugin runs with
 * {@code --mounter=bind} next to a local-directory service, as root). Every volume is deleted at the end.
 * A few unmeasured rounds of each first warm up both JVMs' compilers.
 */
final class CsiScenario {
    private static final long GIB = 1L << 30;
    private static final int WARM_UP = 10;

    private final LoadOptions options;

    CsiScenario(LoadOptions options) {
        this.options = options;
    }

    Map<String, Object> run() throws Exception {
        try (ClientPool pool = new ClientPool(options)) {
            int volumes = options.shares() + options.clients();
            String previousQuota = pool.http.raiseQuota(volumes, (long) volumes * options.sizeGib());
            try {
                return measure();
            } finally {
                pool.http.restoreQuota(previousQuota);
            }
        }
    }

    private Map<String, Object> measure() throws Exception {
        EventLoopGroup group = new EpollEventLoopGroup(1);
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(URI.create(options.csiEndpoint()).getPath()))
                .eventLoopGroup(group).channelType(EpollDomainSocketChannel.class).usePlaintext().build();
        ControllerGrpc.ControllerBlockingStub controller = ControllerGrpc.newBlockingStub(channel);
        NodeGrpc.NodeBlockingStub node = NodeGrpc.newBlockingStub(channel);
        List<String> volumes = Collections.synchronizedList(new ArrayList<>());
        Map<String, Object> result = new LinkedHashMap<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        try {
            List<Volume> created = new ArrayList<>();
            for (int i = 0; i < WARM_UP; i++) {
                Volume volume = controller.createVolume(create("bench-" + run + "-warm-up-" + i)).getVolume();
                volumes.add(volume.getVolumeId());
                created.add(volume);
            }
            publishCycles(controller, node, created.get(0), WARM_UP);
            Percentiles sequential = new Percentiles();
            for (int i = 0; i < options.shares(); i++) {
                long started = System.nanoTime();
                Volume volume = controller.createVolume(create("bench-" + run + "-" + i)).getVolume();
                sequential.add((System.nanoTime() - started) / 1e6);
                volumes.add(volume.getVolumeId());
                created.add(volume);
            }
            result.put("create_volume", sequential.summary());
            result.put("concurrent_create_volume", burst(controller, run, volumes));
            result.put("node_publish_unpublish", publishCycles(controller, node, created.get(0), options.shares()));
        } finally {
            Percentiles deleted = new Percentiles();
            for (String id : volumes) {
                long started = System.nanoTime();
                controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
                deleted.add((System.nanoTime() - started) / 1e6);
            }
            result.put("delete_volume", deleted.summary());
            channel.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        return result;
    }

    private Map<String, Object> burst(ControllerGrpc.ControllerBlockingStub controller, String run, List<String> volumes)
            throws Exception {
        Percentiles latencies = new Percentiles();
        ExecutorService callers = Executors.newFixedThreadPool(options.clients());
        int failed = 0;
        long started = System.nanoTime();
        try {
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < options.clients(); i++) {
                String name = "bench-" + run + "-burst-" + i;
                calls.add(callers.submit(() -> {
                    long begun = System.nanoTime();
                    String id = controller.createVolume(create(name)).getVolume().getVolumeId();
                    latencies.add((System.nanoTime() - begun) / 1e6);
                    return id;
                }));
            }
            for (Future<String> call : calls) {
                try {
                    volumes.add(call.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                }
            }
        } finally {
            callers.shutdown();
        }
        Map<String, Object> summary = latencies.summary();
        summary.put("requests_per_s", Percentiles.round(options.clients() / ((System.nanoTime() - started) / 1e9)));
        summary.put("failed", failed);
        return summary;
    }

    private Map<String, Object> publishCycles(ControllerGrpc.ControllerBlockingStub controller, NodeGrpc.NodeBlockingStub node,
                                              Volume volume, int cycles) throws Exception {
        String nodeId = node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance()).getNodeId();
        controller.controllerPublishVolume(ControllerPublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                .setNodeId(nodeId).setVolumeCapability(capability()).build());
        Path pods = Files.createDirectories(Path.of(options.csiTargets()));
        Percentiles latencies = new Percentiles();
        for (int i = 0; i < cycles; i++) {
            String target = pods.resolve("pod-" + i).toString();
            long started = System.nanoTime();
            node.nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId()).setTargetPath(target)
                    .setVolumeCapability(capability()).putAllVolumeContext(volume.getVolumeContextMap()).build());
            node.nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId())
                    .setTargetPath(target).build());
            latencies.add((System.nanoTime() - started) / 1e6);
        }
        return latencies.summary();
    }

    private CreateVolumeRequest create(String name) {
        return CreateVolumeRequest.newBuilder().setName(name).addVolumeCapabilities(capability())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(options.sizeGib() * GIB)).build();
    }

    private static VolumeCapability capability() {
        return VolumeCapability.newBuilder().setMount(VolumeCapability.MountVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER)).build();
    }
}
