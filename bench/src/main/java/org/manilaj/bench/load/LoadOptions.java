package org.manilaj.bench.load;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Command-line options of the load scenarios, {@code --name value} pairs:
 * {@code --url} (http://127.0.0.1:8786), {@code --token} (admin:PROJECT), {@code --project}
 * (9f3c6a1e2b7d4c58a0e1f2d3c4b5a697), {@code -n} shares (100), {@code -c} clients (4), {@code -t} seconds
 * (10), {@code -m} shares in the project for reads (50), {@code --size} GiB (1), {@code --type}
 * (the default type), {@code --poll-ms} (20), {@code --json} output file; for {@code csi}: {@code --endpoint}
 * (unix:///tmp/manila-csi-bench/csi.sock, the plugin's socket) and {@code --target} (a directory for bind
 * mounts, /tmp/manila-csi-bench/pods); for {@code migrate}: {@code --root} (./var, the service's working data,
 * where its storage roots are) or {@code --lab} (the directory of scripts/testlab's hosts, to migrate between
 * them with the service on {@code config/manila-lab.yml}).
 */
record LoadOptions(String url, String token, String project, int shares, int clients, Duration duration,
                   int existingShares, int sizeGib, String shareType, Duration pollInterval, String jsonFile,
                   String csiEndpoint, String csiTargets, String serviceRoot, String lab, String metricsUrl) {

    static LoadOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length || !args[i].startsWith("-")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            values.put(args[i].replaceFirst("^-+", ""), args[i + 1]);
        }
        String project = values.getOrDefault("project", "9f3c6a1e2b7d4c58a0e1f2d3c4b5a697");
        LoadOptions options = new LoadOptions(
                values.getOrDefault("url", "http://127.0.0.1:8786").replaceAll("/+$", ""),
                values.getOrDefault("token", "admin:" + project),
                project,
                Integer.parseInt(values.getOrDefault("n", "100")),
                Integer.parseInt(values.getOrDefault("c", "4")),
                Duration.ofSeconds(Long.parseLong(values.getOrDefault("t", "10"))),
                Integer.parseInt(values.getOrDefault("m", "50")),
                Integer.parseInt(values.getOrDefault("size", "1")),
                values.get("type"),
                Duration.ofMillis(Long.parseLong(values.getOrDefault("poll-ms", "20"))),
                values.get("json"),
                values.getOrDefault("endpoint", "unix:///tmp/manila-csi-bench/csi.sock"),
                values.getOrDefault("target", "/tmp/manila-csi-bench/pods"),
                values.getOrDefault("root", "./var"),
                values.get("lab"),
                values.getOrDefault("metrics", "http://127.0.0.1:8787/prometheus"));
        values.keySet().removeAll(java.util.Set.of("url", "token", "project", "n", "c", "t", "m", "size", "type",
                "poll-ms", "json", "endpoint", "target", "root", "lab", "metrics"));
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + values.keySet());
        }
        return options;
    }
}
