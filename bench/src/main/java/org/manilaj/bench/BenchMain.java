package org.manilaj.bench;

import java.util.Arrays;

/**
 * Entry point of {@code manila-bench.jar}: {@code jmh [JMH options]} runs the JMH benchmarks (for
 * example {@code jmh PlacementBenchmark -f 1 -wi 3 -i 5}).
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java -jar manila-bench.jar jmh [JMH options]");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }
}
