package org.manilaj.csi;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.manilaj.csi.api.ManilaApi;
import org.manilaj.csi.controller.ControllerService;
import org.manilaj.csi.node.NodeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The plugin's gRPC server on a unix socket, with the services its mode asks for. */
public final class CsiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CsiServer.class);

    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Path socket;

    private CsiServer(Server server, EventLoopGroup boss, EventLoopGroup workers, Path socket) {
        this.server = server;
        this.boss = boss;
        this.workers = workers;
        this.socket = socket;
    }

    /** The services of {@code options.mode()}, each call logged. */
    public static List<BindableService> services(PluginOptions options) {
        ManilaApi api = new ManilaApi(options.apiUrl(), options.projectId(), options.token(), Duration.ofSeconds(30));
        List<BindableService> services = new ArrayList<>();
        services.add(new IdentityService(options.driverName(), options.mode().controller(), api));
        if (options.mode().controller()) {
            services.add(new ControllerService(api, options.operationTimeout(), options.zoneKey()));
        }
        if (options.mode().node()) {
            String nodeId = options.nodeId() != null ? options.nodeId() : addressTowards(options);
            services.add(NodeService.of(options, nodeId, api));
        }
        return services;
    }

    public static CsiServer start(PluginOptions options) throws IOException {
        Path socket = options.socketPath();
        Files.createDirectories(socket.toAbsolutePath().getParent());
        // a socket left by a previous run would make bind fail
        Files.deleteIfExists(socket);
        EventLoopGroup boss = new EpollEventLoopGroup(1);
        EventLoopGroup workers = new EpollEventLoopGroup(2);
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(boss).workerEventLoopGroup(workers);
        CallLogger logger = new CallLogger();
        services(options).forEach(service -> builder.addService(ServerInterceptors.intercept(service, logger)));
        Server server = builder.build().start();
        LOG.info("CSI plugin {} {} serving {} on {}", options.driverName(), IdentityService.version(),
                options.mode().name().toLowerCase(java.util.Locale.ROOT), options.endpoint());
        return new CsiServer(server, boss, workers, socket);
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", socket, e.getMessage());
        }
    }

    /** This machine's source address towards the API: what an NFS server on that network sees, by default. */
    private static String addressTowards(PluginOptions options) {
        String host = options.apiUrl().getHost();
        int port = options.apiUrl().getPort() < 0 ? 80 : options.apiUrl().getPort();
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(host, port));
            return probe.getLocalAddress().getHostAddress();
        } catch (SocketException e) {
            throw new IllegalArgumentException("cannot tell this node's address; give --node-id", e);
        }
    }
}
