package org.manilaj.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A share migrated between the two btrfs storage hosts of scripts/testlab by the service on
 * {@code config/manila-lab.yml} (the snapshot-stream engine), against the baseline the issue names, timed in
 * the same run: {@code ssh host1 btrfs send <snapshot> | ssh host2 btrfs receive <dir>} of the same data,
 * run from this machine with OpenSSH. Then the cut-over ({@code migration_complete} until
 * {@code migration_success}) after 10 MiB more were written. Data sets: one 1 GiB file of random bytes,
 * and 20,000 files of 4 KiB. With {@code config/manila-lab-local.yml} (a local backend beside lab host 1) it
 * measures the archive-stream engine from the local backend to the host against {@code scp -r} instead.
 */
final class LabMigrateScenario {
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private final LoadOptions options;
    private final LabHosts hosts;

    LabMigrateScenario(LoadOptions options) {
        this.options = options;
        this.hosts = new LabHosts(Path.of(options.lab()).toAbsolutePath());
    }

    Map<String, Object> run() throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        try (ClientPool pool = new ClientPool(options)) {
            pool.http.ensureDefaultType();
            if (pool.http.send("GET", "/scheduler-stats/pools", null).body().toString().contains("manila@local#pool0")) {
                return runTreeStream(pool.http); // config/manila-lab-local.yml
            }
            result.put("one_file_1_gib", measure(pool.http, "head -c 1073741824 /dev/urandom > big.bin"));
            result.put("files_20000_of_4_kib", measure(pool.http, "for d in $(seq 0 99); do mkdir d$d;"
                    + " for f in $(seq 0 199); do printf '%4096s' \"$d-$f\" > d$d/f$f; done; done"));
        }
        return result;
    }

    private Map<String, Object> measure(ManilaHttp http, String fill) throws Exception {
        String id = http.create();
        MigrateScenario.awaitStatus(http, id, "available");
        if (!id.matches(UUID)) {
            throw new IOException("unexpected share id " + id);
        }
        String host = http.send("GET", "/shares/" + id, null).body().path("share").path("host").asText();
        int from = host.contains("@lab1#") ? 1 : 2;
        int to = 3 - from;
        String source = hosts.storage(from) + "/" + id;
        hosts.ssh(from, "cd " + source + " && " + fill + " && sync");

        // the baseline: a snapshot of the same data sent host to host by OpenSSH, then removed again
        String snapshot = hosts.storage(from) + "/bench-" + id;
        hosts.ssh(from, "btrfs -q subvolume snapshot -r " + source + " " + snapshot);
        long started = System.nanoTime();
        shell("ssh " + hosts.sshOptions() + " root@" + LabHosts.address(from) + " btrfs send -q " + snapshot
                + " | ssh " + hosts.sshOptions() + " root@" + LabHosts.address(to) + " btrfs receive -q " + hosts.storage(to));
        double baselineSeconds = (System.nanoTime() - started) / 1e9;
        hosts.ssh(from, "btrfs -q subvolume delete -c " + snapshot);
        hosts.ssh(to, "btrfs -q subvolume delete -c " + hosts.storage(to) + "/bench-" + id);
        // btrfs frees the baseline's blocks in the background: wait, so that it does not slow the migration
        hosts.ssh(from, "btrfs subvolume sync " + hosts.storage(from));
        hosts.ssh(to, "btrfs subvolume sync " + hosts.storage(to));

        awaitRoom(http, "manila@lab" + to + "#pool0");
        started = System.nanoTime();
        MigrateScenario.expect(http.send("POST", "/shares/" + id + "/action", "{\"migration_start\": {\"host\":"
                + " \"manila@lab" + to + "#pool0\", \"writable\": true, \"preserve_metadata\": true,"
                + " \"nondisruptive\": false, \"preserve_snapshots\": false}}"), 202);
        MigrateScenario.awaitTaskState(http, id, "migration_driver_phase1_done", 100);
        double phase1Seconds = (System.nanoTime() - started) / 1e9;

        hosts.ssh(from, "head -c 10485760 /dev/urandom > " + source + "/changed-10-mib.bin && sync");
        return cutOverAndReport(http, id, "ssh_send_receive", baselineSeconds, phase1Seconds);
    }

    /** Completes the migration (10 MiB changed since phase 1), deletes the share, and reports against the baseline. */
    private static Map<String, Object> cutOverAndReport(ManilaHttp http, String id, String baseline, double baselineSeconds,
                                                        double phase1Seconds) throws Exception {
        long started = System.nanoTime();
        MigrateScenario.expect(http.send("POST", "/shares/" + id + "/action", "{\"migration_complete\": null}"), 202);
        MigrateScenario.awaitTaskState(http, id, "migration_success");
        double cutOverSeconds = (System.nanoTime() - started) / 1e9;

        MigrateScenario.expect(http.send("DELETE", "/shares/" + id, null), 202);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(baseline + "_seconds", MigrateScenario.round(baselineSeconds));
        row.put("phase1_seconds", MigrateScenario.round(phase1Seconds));
        row.put("phase1_vs_" + baseline, MigrateScenario.round(baselineSeconds / phase1Seconds));
        row.put("cut_over_seconds_after_10_mib", MigrateScenario.round(cutOverSeconds));
        return row;
    }

    /**
     * The archive-stream engine from the local backend to lab host 1 against {@code scp -r} of the same data
     * to the same host, timed in the same run.
     */
    private Map<String, Object> runTreeStream(ManilaHttp http) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("one_file_1_gib", measureTree(http, "head -c 1073741824 /dev/urandom > big.bin"));
        result.put("files_20000_of_4_kib", measureTree(http, "for d in $(seq 0 99); do mkdir d$d;"
                + " for f in $(seq 0 199); do printf '%4096s' \"$d-$f\" > d$d/f$f; done; done"));
        return result;
    }

    private Map<String, Object> measureTree(ManilaHttp http, String fill) throws Exception {
        String id = http.create();
        MigrateScenario.awaitStatus(http, id, "available");
        String host = http.send("GET", "/shares/" + id, null).body().path("share").path("host").asText();
        if (!id.matches(UUID) || !host.equals("manila@local#pool0")) {
            throw new IOException("share " + id + " landed on " + host + ", not on the local backend");
        }
        Path source = Path.of(options.serviceRoot()).resolve("shares").resolve(id).toAbsolutePath();
        wait(new ProcessBuilder("sh", "-c", "cd \"$1\" && " + fill + " && sync", "sh", source.toString()).inheritIO().start(),
                fill);

        String copy = hosts.storage(1) + "/bench-" + id;
        long started = System.nanoTime();
        List<String> scp = new ArrayList<>(List.of("scp", "-r", "-q", "-P", Integer.toString(LabHosts.SSH_PORT)));
        for (String option : hosts.sshOptions().split(" ")) {
            if (!option.equals("-p") && !option.equals(Integer.toString(LabHosts.SSH_PORT))) {
                scp.add(option);
            }
        }
        scp.addAll(List.of(source.toString(), "root@" + LabHosts.address(1) + ":" + copy));
        wait(new ProcessBuilder(scp).inheritIO().start(), "scp -r");
        double baselineSeconds = (System.nanoTime() - started) / 1e9;
        hosts.ssh(1, "rm -rf " + copy);

        awaitRoom(http, "manila@lab1#pool0");
        started = System.nanoTime();
        MigrateScenario.expect(http.send("POST", "/shares/" + id + "/action", "{\"migration_start\": {\"host\":"
                + " \"manila@lab1#pool0\", \"writable\": false, \"preserve_metadata\": false,"
                + " \"nondisruptive\": false, \"preserve_snapshots\": false}}"), 202);
        MigrateScenario.awaitTaskState(http, id, "migration_driver_phase1_done", 100);
        double phase1Seconds = (System.nanoTime() - started) / 1e9;

        wait(new ProcessBuilder("sh", "-c", "head -c 10485760 /dev/urandom > \"$1/changed-10-mib.bin\" && sync", "sh",
                source.toString()).inheritIO().start(), "10 MiB more");
        return cutOverAndReport(http, id, "scp_r", baselineSeconds, phase1Seconds);
    }

    /**
     * The lab's disks are small (4 GiB): after the last measure's deletes, the pool's free space shows only
     * once its stats are collected again (every minute). Waits for that, at most two minutes.
     */
    private static void awaitRoom(ManilaHttp http, String pool) throws Exception {
        for (int i = 0; i < 240; i++) {
            double free = 0;
            for (var entry : http.send("GET", "/scheduler-stats/pools/detail", null).body().path("pools")) {
                if (entry.path("name").asText().equals(pool)) {
                    free = entry.path("capabilities").path("free_capacity_gb").asDouble();
                }
            }
            if (free >= 2.5) {
                return;
            }
            Thread.sleep(500);
        }
    }





    private static void shell(String pipeline) throws IOException, InterruptedException {
        wait(new ProcessBuilder("bash", "-o", "pipefail", "-c", pipeline).inheritIO().start(), pipeline);
    }

    private static void wait(Process process, String what) throws IOException, InterruptedException {
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("failed: " + what);
        }
    }
}
