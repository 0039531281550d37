package org.manilaj.bench.load;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The threads of one scenario: C client threads, and two for the HTTP client's own I/O. */
final class ClientPool implements AutoCloseable {
    final ExecutorService clients;
    final ManilaHttp http;
    private final ExecutorService io = Executors.newFixedThreadPool(2);

    ClientPool(LoadOptions options) {
        this.clients = Executors.newFixedThreadPool(options.clients());
        this.http = new ManilaHttp(options, io);
    }

    @Override
    public void close() {
        clients.shutdownNow();
        io.shutdownNow();
    }
}
