package org.manilaj.api;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged service jar run as a real process in a working directory of its own (its {@code ./var}). */
final class ServiceProcess implements AutoCloseable {
    static final Path JAR = Path.of("target/manila-api.jar").toAbsolutePath();
    static final Path CONFIG = Path.of("../config/manila.yml").toAbsolutePath();

    private final Path work;
    private final Path config;
    private final List<String> options;
    private final int port;
    private Process process;

    ServiceProcess(Path work, List<String> extraOptions) throws IOException {
        this(work, CONFIG, extraOptions);
    }

    ServiceProcess(Path work, Path config, List<String> extraOptions) throws IOException {
        this.work = work;
        this.config = config;
        this.port = freePort();
        this.options = new ArrayList<>(List.of("-Ddw.server.applicationConnectors[0].port=" + port,
                "-Ddw.server.adminConnectors[0].port=" + freePort()));
        this.options.addAll(extraOptions);
    }

    int port() {
        return port;
    }

    List<String> javaOptions() {
        return List.copyOf(options);
    }

    /** Starts {@code server} and waits until it answers, appending its output to {@code server.log}. */
    ServiceProcess start() throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("java", "-Xmx256m"));
        argv.addAll(options);
        argv.addAll(List.of("-jar", JAR.toString(), "server", config.toString()));
        process = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("server.log").toFile())).start();
        awaitUp(new ManilaClient(port));
        return this;
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook, no flush, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, as a service manager stops it: true when the process ended by itself within 30 seconds. */
    boolean stop() throws InterruptedException {
        process.destroy();
        boolean ended = process.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            kill();
        }
        return ended;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private void awaitUp(ManilaClient http) throws InterruptedException {
        for (int attempt = 0; attempt < 600; attempt++) {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited with " + process.exitValue() + "; see " + work.resolve("server.log"));
            }
            try {
                if (http.get("/").status() == 300) {
                    return;
                }
            } catch (RuntimeException starting) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the service did not start; see " + work.resolve("server.log"));
    }

    /**
     * A free port below Linux's ephemeral range (32768 and up): the service keeps its ports across restarts,
     * and a port from that range could meanwhile be taken by one of the test's own outgoing connections (a
     * restart then failed with "Address already in use" in KillNineSystemIT).
     */
    static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 10_000 + random.nextInt(10_000); // clear of the lab's 2049, 2222 and 20048 too
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 10000 and 20000");
    }
}
