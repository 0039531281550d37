package org.manilaj.csi;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged plugin jar as a real process on a unix socket, and a gRPC channel to it. */
final class PluginProcess implements AutoCloseable {
    static final Path JAR = Path.of(System.getProperty("manila.csi.jar", "target/manila-csi.jar"));

    private final Process process;
    private final EventLoopGroup group = new EpollEventLoopGroup(1);
    final ManagedChannel channel;
    final Path log;

    private PluginProcess(Process process, Path socket, Path log) {
        this.process = process;
        this.log = log;
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString())).eventLoopGroup(group)
                .channelType(EpollDomainSocketChannel.class).usePlaintext().build();
    }

    static PluginProcess start(Path socket, Path log, List<String> flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", JAR.toString(), "--endpoint=unix://" + socket));
        command.addAll(flags);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // serving once the log says so (the socket file may be a stale one until then)
        while (!Files.readString(log).contains("serving")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the plugin did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        return new PluginProcess(process, socket, log);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
