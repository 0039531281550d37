package org.manilaj.bench.load;

import java.util.Map;

/** Runs a load scenario by name and renders its result as a readable table. */
public final class LoadScenarios {
    private LoadScenarios() {
    }

    /** What a scenario measured, as a table for people and a map for the JSON file. */
    public record Outcome(Map<String, Object> result, String table, String jsonFile) {
    }

    public static Outcome run(String scenario, String[] args) throws Exception {
        if (scenario.equals("scale")) { // starts its own services and databases: options of its own
            ScaleOptions scale = ScaleOptions.parse(args);
            Map<String, Object> result = new ScaleScenario(scale).run();
            return new Outcome(result, ScaleScenario.table(result), scale.jsonFile());
        }
        LoadOptions options = LoadOptions.parse(args);
        Map<String, Object> result = switch (scenario) {
            case "lifecycle" -> new LifecycleScenario(options).run();
            case "csi" -> new CsiScenario(options).run();
            case "migrate" -> options.lab() == null ? new MigrateScenario(options).run() : new LabMigrateScenario(options).run();
            case "replicate" -> new LabReplicateScenario(options).run();
            case "usage-scan" -> new LabUsageScenario(options).run();
            default -> new ReadsScenario(options).run();
        };
        return new Outcome(result, table(result), options.jsonFile());
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> result) {
        StringBuilder table = new StringBuilder();
        table.append(String.format("%-26s %10s %9s %9s %9s %9s %7s%n", "measure", "per second", "p50 ms", "p95 ms",
                "p99 ms", "max ms", "count"));
        result.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map && map.containsKey("p50_ms")) {
                Map<String, Object> row = (Map<String, Object>) map;
                Object rate = row.containsKey("requests_per_s") ? row.get("requests_per_s")
                        : result.get(key.startsWith("create") ? "create_throughput_per_s" : "delete_throughput_per_s");
                rate = rate == null ? "" : rate;
                table.append(String.format("%-26s %10s %9s %9s %9s %9s %7s%n", key, rate, row.get("p50_ms"),
                        row.get("p95_ms"), row.get("p99_ms"), row.get("max_ms"), row.get("count")));
            }
        });
        result.forEach((key, value) -> {
            if (!(value instanceof Map<?, ?> map && map.containsKey("p50_ms")) && !key.endsWith("_per_s")) {
                table.append(key).append(": ").append(value).append('\n');
            }
        });
        return table.toString();
    }
}
