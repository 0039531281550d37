package org.manilaj.bench.load;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A share migrated between the two local-directory backends of {@code config/manila-migration.yml}, with the
 * service on this machine: phase 1 for a data set at rest against {@code cp -a} and {@code scp -r -p} of the
 * same data (the baselines, timed in the same run), then the cut-over ({@code migration_complete} until the
 * share is available on the destination) after 10 MiB more were written. Data sets: one 1 GiB file, and 20,000 files of 4 KiB.
 * {@code --root} is the service's ./var (where its two storage roots are).
 */
final class MigrateScenario {
    private static final String SECOND = "manila@second#pool0";

    private final LoadOptions options;

    MigrateScenario(LoadOptions options) {
        this.options = options;
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        try (ClientPool pool = new ClientPool(options)) {
            pool.http.ensureDefaultType();
            result.put("one_file_1_gib", measure(pool.http, "big", root -> writeFile(root.resolve("big.bin"), 1L << 30)));
            result.put("files_20000_of_4_kib", measure(pool.http, "small", root -> {
                for (int d = 0; d < 100; d++) {
                    Path dir = Files.createDirectories(root.resolve("d" + d));
                    for (int f = 0; f < 200; f++) {
                        writeFile(dir.resolve("f" + f), 4096);
                    }
                }
            }));
        }
        return result;
    }

    private interface Filler {
        void fill(Path root) throws IOException;
    }

    private Map<String, Object> measure(ManilaHttp http, String name, Filler filler) throws Exception {
        String id = http.create();
        awaitStatus(http, id, "available");
        Path share = Path.of(options.serviceRoot()).resolve("shares").resolve(id);
        filler.fill(share);
        long bytes = size(share);

        // data at rest, as a migration mostly finds it: the engine copies a file written within its last 10 s
        // again in the next pass (its size and time could hide a rewrite), which would double a fresh data set
        Thread.sleep(11_000);
        double cpSeconds = timeBaseline(share, name, "cp", "-a");
        // scp between two paths on this machine runs cp -r (-p keeps modes and times, as the engine does)
        double scpSeconds = timeBaseline(share, name, "scp", "-r", "-p");

        long started = System.nanoTime();
        expect(http.send("POST", "/shares/" + id + "/action", "{\"migration_start\": {\"host\": \"" + SECOND
                + "\", \"writable\": false, \"preserve_metadata\": false, \"nondisruptive\": false,"
                + " \"preserve_snapshots\": false}}"), 202);
        awaitTaskState(http, id, "migration_driver_phase1_done");
        double phase1Seconds = (System.nanoTime() - started) / 1e9;

        writeFile(share.resolve("changed-10-mib.bin"), 10L << 20);
        started = System.nanoTime();
        expect(http.send("POST", "/shares/" + id + "/action", "{\"migration_complete\": null}"), 202);
        awaitTaskState(http, id, "migration_success");
        double cutOverSeconds = (System.nanoTime() - started) / 1e9;

        expect(http.send("DELETE", "/shares/" + id, null), 202);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("bytes", bytes);
        row.put("cp_a_seconds", round(cpSeconds));
        row.put("scp_r_seconds", round(scpSeconds));
        row.put("phase1_seconds", round(phase1Seconds));
        row.put("phase1_vs_cp_a", round(cpSeconds / phase1Seconds));
        row.put("phase1_vs_scp_r", round(scpSeconds / phase1Seconds));
        row.put("cut_over_seconds_after_10_mib", round(cutOverSeconds));
        return row;
    }

    /** Seconds {@code command source copy} takes; the copy is removed afterwards. */
    private double timeBaseline(Path share, String name, String... command) throws Exception {
        Path copy = Path.of(options.serviceRoot()).resolve("baseline-" + name);
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of(command));
        argv.add(share.toString());
        argv.add(copy.toString());
        long started = System.nanoTime();
        Process process = new ProcessBuilder(argv).inheritIO().start();
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        delete(copy);
        return seconds;
    }

    private static void writeFile(Path file, long bytes) throws IOException {
        byte[] block = new byte[(int) Math.min(bytes, 1 << 20)];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += block.length) {
                block[0]++;
                out.write(block, 0, (int) Math.min(block.length, bytes - written));
            }
        }
    }

    private static long size(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    static void awaitStatus(ManilaHttp http, String id, String status) throws Exception {
        for (int i = 0; i < 6000 && !http.status(id).equals(status); i++) {
            Thread.sleep(10);
        }
    }

    static void awaitTaskState(ManilaHttp http, String id, String taskState) throws Exception {
        awaitTaskState(http, id, taskState, 10);
    }

    /** Polls every {@code pollMillis}: slow enough over a long copy not to take the CPU the copy needs. */
    static void awaitTaskState(ManilaHttp http, String id, String taskState, int pollMillis) throws Exception {
        for (int i = 0; i < 3_600_000 / pollMillis; i++) {
            String task = http.send("GET", "/shares/" + id, null).body().path("share").path("task_state").asText();
            if (task.equals(taskState)) {
                return;
            }
            if (task.equals("migration_error")) {
                throw new IOException("migration of " + id + " failed");
            }
            Thread.sleep(pollMillis);
        }
        throw new IOException("migration of " + id + " did not reach " + taskState);
    }

    static void expect(ManilaHttp.Reply reply, int status) throws IOException {
        if (reply.status() != status) {
            throw new IOException("answered " + reply.status() + ": " + reply.body());
        }
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

}
