package org.manilaj.bench.load;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The service with N shares in its database (H2 file, PostgreSQL), for each N of {@code --counts}: the bench seeds
 * the rows, starts the packaged jar as a real process, and measures its start-up, a page of the list and of the
 * detail (and a page deep into the set) one request at a time after a warm-up, and its resident memory after the
 * reads. Each larger N is compared with the first, measured in the same run. Pages are picked at random among ten, so
 * that no read is answered from a cache of the one before.
 */
final class ScaleScenario {
    static final double MAX_RATIO = 2.0;
    static final double MAX_RSS_MIB = 512;
    static final double MAX_STARTUP_S = 10;

    private final ScaleOptions options;

    ScaleScenario(ScaleOptions options) {
        this.options = options;
    }

    /** One database with N shares. */
    record Row(String database, int shares, double seedSeconds, double startupSeconds, Map<String, Object> list,
               Map<String, Object> detail, Map<String, Object> deepPage, ScaleService.Memory memory) {
        double p50(Map<String, Object> reads) {
            return ((Number) reads.get("p50_ms")).doubleValue();
        }
    }

    Map<String, Object> run() throws Exception {
        List<Row> rows = new ArrayList<>();
        EmbeddedPostgres postgres = null;
        try {
            for (String database : options.databases()) {
                if (database.equals("postgres") && postgres == null) {
                    postgres = ScaleDatabase.Postgres.startServer();
                }
                for (int shares : options.counts()) {
                    Path work = Files.createTempDirectory("manila-scale-");
                    try {
                        ScaleDatabase target = database.equals("h2") ? new ScaleDatabase.H2(work)
                                : ScaleDatabase.Postgres.create(postgres, "manila_scale_" + shares);
                        rows.add(measure(target, shares, work));
                    } finally {
                        keepLog(work, database + "-" + shares + ".log");
                        deleteTree(work);
                    }
                }
            }
        } finally {
            if (postgres != null) {
                postgres.close(); // stops the server and removes its data directory
            }
        }
        return result(rows);
    }

    private Row measure(ScaleDatabase database, int shares, Path work) throws Exception {
        System.err.printf("%s, %,d shares: migrating and seeding%n", database.name(), shares);
        // the service itself creates its schema, backend and pool rows; its API the default type
        try (ScaleService first = ScaleService.start(options, work, database.serviceOptions());
             ClientPool pool = new ClientPool(http(first))) {
            pool.http.ensureDefaultType();
        }
        long t0 = System.nanoTime();
        try (Connection connection = database.connect()) {
            ShareSeeder.seed(connection, options.project(), shares, work);
        }
        double seedSeconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf("%s, %,d shares: seeded in %.1f s; starting the service%n", database.name(), shares, seedSeconds);
        try (ScaleService service = ScaleService.start(options, work, database.serviceOptions());
             ClientPool pool = new ClientPool(http(service))) {
            int inProject = ShareSeeder.spread(options.project(), shares).get(options.project());
            int pages = 10;
            String page = "?limit=" + options.page() + "&offset=";
            // a page among the first ten: never the same request twice in a row, or H2 answers from the result it
            // kept of the last run of the same statement with the same values while the table is unchanged
            Map<String, Object> list = reads(pool.http, () -> "/shares" + page + random(pages * options.page()));
            Map<String, Object> detail = reads(pool.http, () -> "/shares/detail" + page + random(pages * options.page()));
            // among the last ten pages of the project's shares: the database walks past all the ones before
            Map<String, Object> deep = reads(pool.http, () -> "/shares/detail" + page
                    + Math.max(0, inProject - options.page() - random(pages * options.page())));
            return new Row(database.name(), shares, round(seedSeconds), round(service.startupSeconds()), list, detail,
                    deep, service.memory());
        }
    }

    private LoadOptions http(ScaleService service) {
        return LoadOptions.parse(new String[] {"--url", service.url(), "--project", options.project(), "-c", "1"});
    }

    /** Warm-up, then one request at a time: latency without queueing on two cores. */
    private Map<String, Object> reads(ManilaHttp http, Supplier<String> paths) throws Exception {
        // each half within its time budget too: a slow read (a service without the list's index took 0.4 s a
        // page) is measured over fewer requests rather than for a quarter of an hour
        long warm = System.nanoTime() + options.budget().toNanos();
        for (int i = 0; i < options.warmup() && System.nanoTime() < warm; i++) {
            expectOk(http, paths.get());
        }
        Percentiles latency = new Percentiles();
        long end = System.nanoTime() + options.budget().toNanos();
        for (int i = 0; i < options.requests() && (i < 20 || System.nanoTime() < end); i++) {
            String path = paths.get();
            long t0 = System.nanoTime();
            expectOk(http, path);
            latency.add((System.nanoTime() - t0) / 1e6);
        }
        return latency.summary();
    }

    private static int random(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }

    private static void expectOk(ManilaHttp http, String path) throws Exception {
        ManilaHttp.Reply reply = http.send("GET", path, null);
        if (reply.status() != 200 || reply.body().path("shares").size() == 0) {
            throw new IOException("GET " + path + " answered " + reply.status() + " with "
                    + (reply.body() == null ? "nothing" : reply.body().path("shares").size() + " shares"));
        }
    }

    private Map<String, Object> result(List<Row> rows) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("scenario", "scale");
        result.put("heap", options.heap());
        result.put("page", options.page());
        result.put("requests_per_read", options.requests());
        List<Map<String, Object>> runs = new ArrayList<>();
        boolean met = true;
        for (Row row : rows) {
            Row base = rows.stream().filter(r -> r.database().equals(row.database())).findFirst().orElseThrow();
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("database", row.database());
            run.put("shares", row.shares());
            run.put("seed_s", row.seedSeconds());
            run.put("startup_s", row.startupSeconds());
            run.put("list", row.list());
            run.put("detail", row.detail());
            run.put("deep_page_detail", row.deepPage());
            run.put("rss_mib", row.memory().rssMib());
            run.put("peak_rss_mib", row.memory().peakMib());
            double listRatio = round(row.p50(row.list()) / base.p50(base.list()));
            double detailRatio = round(row.p50(row.detail()) / base.p50(base.detail()));
            run.put("list_p50_ratio", listRatio);
            run.put("detail_p50_ratio", detailRatio);
            run.put("deep_page_p50_ratio", round(row.p50(row.deepPage()) / base.p50(base.deepPage())));
            met &= listRatio <= MAX_RATIO && detailRatio <= MAX_RATIO && row.memory().peakMib() <= MAX_RSS_MIB
                    && row.startupSeconds() <= MAX_STARTUP_S;
            runs.add(run);
        }
        result.put("runs", runs);
        result.put("requirement_met", met);
        return result;
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> result) {
        StringBuilder table = new StringBuilder(String.format("%-9s %8s %7s %9s %9s %9s %9s %9s %8s %8s %6s %6s %6s%n",
                "database", "shares", "seed s", "startup s", "list p50", "list p99", "detail50", "detail99", "deep p50",
                "RSS MiB", "peak", "list×", "detl×"));
        for (Map<String, Object> run : (List<Map<String, Object>>) result.get("runs")) {
            Map<String, Object> list = (Map<String, Object>) run.get("list");
            Map<String, Object> detail = (Map<String, Object>) run.get("detail");
            Map<String, Object> deep = (Map<String, Object>) run.get("deep_page_detail");
            table.append(String.format("%-9s %,8d %7s %9s %9s %9s %9s %9s %8s %8s %6s %6s %6s%n", run.get("database"),
                    run.get("shares"), run.get("seed_s"), run.get("startup_s"), list.get("p50_ms"), list.get("p99_ms"),
                    detail.get("p50_ms"), detail.get("p99_ms"), deep.get("p50_ms"), run.get("rss_mib"),
                    run.get("peak_rss_mib"), run.get("list_p50_ratio"), run.get("detail_p50_ratio")));
        }
        table.append(String.format("latencies in ms, one request at a time, page of %s, service -Xmx%s; ratios against"
                + " the first count of the same database%n", result.get("page"), result.get("heap")));
        table.append(String.format("requirement (ratios <= %.0f, peak RSS <= %.0f MiB, start-up <= %.0f s): %s%n",
                MAX_RATIO, MAX_RSS_MIB, MAX_STARTUP_S, (Boolean) result.get("requirement_met") ? "met" : "NOT met"));
        return table.toString();
    }

    private void keepLog(Path work, String name) throws IOException {
        if (options.logs() != null && Files.exists(work.resolve("server.log"))) {
            Files.createDirectories(options.logs());
            Files.copy(work.resolve("server.log"), options.logs().resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
