package org.manilaj.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.util.Arrays;
import org.manilaj.bench.load.LoadScenarios;

/**
 * Entry point of {@code manila-bench.jar}:
 * <ul>
 *   <li>{@code lifecycle [options]}: create, wait for available, delete, wait for gone;</li>
 *   <li>{@code reads [options]}: list, detail and show over a project with M shares;</li>
 *   <li>{@code csi [options]}: CreateVolume latency and a burst of concurrent ones, NodePublish + NodeUnpublish
 *       (bind), against a running plugin's socket;</li>
 *   <li>{@code migrate [options]}: a migration's phase 1 against {@code cp -a}, and its cut-over, on two local
 *       backends ({@code config/manila-migration.yml});</li>
 *   <li>{@code replicate --lab DIR [options]}: a replica's first sync, an incremental one, and the recovery point
 *       while a client writes, between the lab's hosts ({@code config/manila-lab-replication.yml});</li>
 *   <li>{@code usage-scan --lab DIR -n N}: the Linux driver's usage scan of N btrfs shares on lab host 1 (auto-extend's
 *   one round trip), three times</li>
 *   <li>{@code scale [options]}: the packaged service over 1,000 and 100,000 seeded shares, on H2 and PostgreSQL:
 *   start-up, list and detail pages, resident memory (options in {@code ScaleOptions});</li>
 *   <li>{@code jmh [JMH options]}: the JMH benchmarks (for example {@code jmh PlacementBenchmark}).</li>
 * </ul>
 * Options of the load scenarios are described in {@code LoadOptions}; each prints a table and, with
 * {@code --json FILE}, writes the same numbers as JSON.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java -jar manila-bench.jar lifecycle|reads|csi|migrate|replicate|usage-scan|scale [--name value...] | jmh [JMH options]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            case "lifecycle", "reads", "csi", "migrate", "replicate", "usage-scan", "scale" -> {
                LoadScenarios.Outcome outcome = LoadScenarios.run(args[0], rest);
                System.out.print(outcome.table());
                if (outcome.jsonFile() != null) {
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValue(new File(outcome.jsonFile()), outcome.result());
                    System.out.println("written to " + outcome.jsonFile());
                }
            }
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }
}
