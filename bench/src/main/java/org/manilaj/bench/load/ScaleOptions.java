package org.manilaj.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Options of the {@code scale} scenario, {@code --name value} pairs: {@code --databases} (h2,postgres),
 * {@code --counts} shares seeded (1000,100000; the first is the baseline of the ratios), {@code --jar}
 * (manila-api/target/manila-api.jar), {@code --config} (config/manila.yml), {@code --heap} (the service's -Xmx,
 * 256m), {@code --project} (the project read, which holds most shares), {@code --page} (50), {@code --warmup}
 * requests per read before measuring (300), {@code --requests} measured per read (300), {@code --budget-s} seconds
 * that each of a read's warm-up and measure may take at most (60; at least 20 requests are measured), {@code --json}
 * output file, {@code --logs} a directory to keep each service's log in (as DATABASE-N.log).
 */
record ScaleOptions(List<String> databases, List<Integer> counts, Path jar, Path config, String heap, String project,
                    int page, int warmup, int requests, Duration budget, String jsonFile, Path logs) {
    private static final Set<String> KNOWN = Set.of("databases", "counts", "jar", "config", "heap", "project", "page",
            "warmup", "requests", "budget-s", "json", "logs");

    static ScaleOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length || !args[i].startsWith("-")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            values.put(args[i].replaceFirst("^-+", ""), args[i + 1]);
        }
        if (!KNOWN.containsAll(values.keySet())) {
            throw new IllegalArgumentException("unknown options " + values.keySet() + "; known: " + KNOWN);
        }
        List<String> databases = Arrays.stream(values.getOrDefault("databases", "h2,postgres").split(","))
                .map(String::trim).toList();
        if (!Set.of("h2", "postgres").containsAll(databases)) {
            throw new IllegalArgumentException("--databases takes h2 and/or postgres, got " + databases);
        }
        return new ScaleOptions(databases,
                Arrays.stream(values.getOrDefault("counts", "1000,100000").split(",")).map(s -> Integer.parseInt(s.trim())).toList(),
                Path.of(values.getOrDefault("jar", "manila-api/target/manila-api.jar")).toAbsolutePath(),
                Path.of(values.getOrDefault("config", "config/manila.yml")).toAbsolutePath(),
                values.getOrDefault("heap", "256m"),
                values.getOrDefault("project", "9f3c6a1e2b7d4c58a0e1f2d3c4b5a697"),
                Integer.parseInt(values.getOrDefault("page", "50")),
                Integer.parseInt(values.getOrDefault("warmup", "300")),
                Integer.parseInt(values.getOrDefault("requests", "300")),
                Duration.ofSeconds(Long.parseLong(values.getOrDefault("budget-s", "60"))),
                values.get("json"),
                values.containsKey("logs") ? Path.of(values.get("logs")).toAbsolutePath() : null);
    }
}
