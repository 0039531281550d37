package org.manilaj.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** The packaged service jar as a real process in a working directory of its own, as an operator starts it. */
final class ScaleService implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofMinutes(3);

    /** Resident memory of the process, from /proc: now and at its peak, in MiB. */
    record Memory(double rssMib, double peakMib) {
    }

    private final Process process;
    private final int port;
    private final double startupSeconds;

    private ScaleService(Process process, int port, double startupSeconds) {
        this.process = process;
        this.port = port;
        this.startupSeconds = startupSeconds;
    }

    /** Starts {@code server} and returns once {@code GET /} answers 300; its output goes to {@code server.log}. */
    static ScaleService start(ScaleOptions options, Path work, List<String> databaseOptions)
            throws IOException, InterruptedException {
        int port = freePort();
        List<String> argv = new ArrayList<>(List.of(javaCommand(), "-Xmx" + options.heap(),
                "-Ddw.server.applicationConnectors[0].port=" + port,
                "-Ddw.server.adminConnectors[0].port=" + freePort()));
        argv.addAll(databaseOptions);
        argv.addAll(List.of("-jar", options.jar().toString(), "server", options.config().toString()));
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("server.log").toFile())).start();
        try {
            awaitUp(process, port, work);
        } catch (IOException | RuntimeException | InterruptedException e) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS); // before the caller removes its working directory
            throw e;
        }
        return new ScaleService(process, port, (System.nanoTime() - t0) / 1e9);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** From the process's start to its first answer: the JVM, migrations, pool registration and the reconcile. */
    double startupSeconds() {
        return startupSeconds;
    }

    Memory memory() throws IOException {
        double rss = 0;
        double peak = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kibToMib(line);
            } else if (line.startsWith("VmHWM:")) {
                peak = kibToMib(line);
            }
        }
        return new Memory(rss, peak);
    }

    private static double kibToMib(String line) {
        return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 * 10) / 10.0;
    }

    /** SIGTERM, then SIGKILL if the service has not ended within 30 seconds. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitUp(Process process, int port, Path work) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest root = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the service exited with " + process.exitValue() + "; see " + work.resolve("server.log"));
            }
            try {
                if (http.send(root, HttpResponse.BodyHandlers.discarding()).statusCode() == 300) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IOException("the service did not answer within " + START_LIMIT + "; see " + work.resolve("server.log"));
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** A free loopback port below Linux's ephemeral range, as the service tests pick theirs. */
    private static int freePort() throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 10_000 + random.nextInt(10_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 10000 and 20000");
    }
}
