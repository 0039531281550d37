package org.manilaj.csi;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;

/** The plugin's services, as {@link CsiServer} serves them (each call logged), on an in-process gRPC server. */
final class InProcessPlugin implements AutoCloseable {
    final ManagedChannel channel;
    private final Server server;

    private InProcessPlugin(Server server, ManagedChannel channel) {
        this.server = server;
        this.channel = channel;
    }

    static InProcessPlugin start(PluginOptions options) throws IOException {
        String name = InProcessServerBuilder.generateName();
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
        CallLogger logger = new CallLogger();
        CsiServer.services(options).forEach(service -> builder.addService(ServerInterceptors.intercept(service, logger)));
        Server server = builder.build().start();
        return new InProcessPlugin(server, InProcessChannelBuilder.forName(name).build());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
    }
}
