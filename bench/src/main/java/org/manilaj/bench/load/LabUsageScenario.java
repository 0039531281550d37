package org.manilaj.bench.load;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.manilaj.driver.BackendDefinition;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.linux.LinuxShareDriverFactory;

/**
 * Auto-extend's usage scan on one lab host: {@code -n} btrfs subvolumes (each with its qgroup and a little data) made
 * straight on host 1, then the Linux driver's {@code usedBytes} for all of them, three times (one SSH round trip
 * each); the subvolumes are removed afterwards.
 */
final class LabUsageScenario {
    private static final int SCANS = 3;

    private final LoadOptions options;
    private final LabHosts hosts;

    LabUsageScenario(LoadOptions options) {
        this.options = options;
        this.hosts = new LabHosts(Path.of(options.lab()).toAbsolutePath());
    }

    Map<String, Object> run() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < options.shares(); i++) {
            ids.add(UUID.randomUUID().toString());
        }
        String root = hosts.storage(1);
        onHost1("while read -r id; do btrfs -q subvolume create \"$1/$id\" && head -c 65536 /dev/urandom > \"$1/$id/data\";"
                + " done; sync", root, ids);
        try (ShareDriver driver = new LinuxShareDriverFactory().create(new BackendDefinition("lab1", backendOptions(root),
                List.of(new BackendDefinition.PoolDefinition("pool0", Map.of()))))) {
            List<ShareRef> shares = ids.stream().map(id -> new ShareRef(id, "pool0", 1)).toList();
            List<Double> seconds = new ArrayList<>();
            int reported = 0;
            for (int scan = 0; scan < SCANS; scan++) {
                long started = System.nanoTime();
                reported = driver.usedBytes(shares).size();
                seconds.add((System.nanoTime() - started) / 1e9);
            }
            if (reported != ids.size()) {
                throw new IOException("the scan reported " + reported + " of " + ids.size() + " shares");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("shares", ids.size());
            result.put("scan_seconds_median", MigrateScenario.round(seconds.stream().sorted().toList().get(SCANS / 2)));
            result.put("scan_seconds_each", seconds.stream().map(MigrateScenario::round).toList());
            result.put("shares_reported", reported);
            return result;
        } finally {
            onHost1("while read -r id; do btrfs -q subvolume delete -c \"$1/$id\" > /dev/null; done", root, ids);
        }
    }

    private Map<String, Object> backendOptions(String root) {
        Path lab = Path.of(options.lab()).toAbsolutePath();
        Map<String, Object> ssh = new LinkedHashMap<>();
        ssh.put("host", LabHosts.address(1));
        ssh.put("port", LabHosts.SSH_PORT);
        ssh.put("user", "root");
        ssh.put("private_key_file", lab.resolve("keys/id_ed25519").toString());
        ssh.put("known_hosts_file", lab.resolve("known_hosts").toString());
        Map<String, Object> backend = new LinkedHashMap<>();
        backend.put("transport", "ssh");
        backend.put("ssh", ssh);
        backend.put("storage_root", root);
        backend.put("layout", "btrfs");
        backend.put("export", "ganesha"); // as the lab's backends are configured (the scan does not use it)
        backend.put("export_root", lab.resolve("host1/exports").toString());
        backend.put("export_address", LabHosts.address(1));
        return backend;
    }

    /** {@code script} on host 1 with {@code root} as $1 and the ids on its standard input, one per line. */
    private void onHost1(String script, String root, List<String> ids) throws IOException, InterruptedException {
        List<String> argv = hosts.sshArgv(1, "sh -c '" + script + "' sh " + root);
        Process process = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream input = process.getOutputStream()) {
            input.write((String.join("\n", ids) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("failed on host 1: " + script);
        }
    }
}
