package org.manilaj.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads over a project holding M shares: {@code GET /shares}, {@code /shares/detail} and
 * {@code /shares/{id}}, each at concurrency C for T seconds; requests per second and latency.
 */
final class ReadsScenario {
    private final LoadOptions options;

    ReadsScenario(LoadOptions options) {
        this.options = options;
    }

    Map<String, Object> run() throws Exception {
        try (ClientPool pool = new ClientPool(options)) {
            ManilaHttp http = pool.http;
            ExecutorService clients = pool.clients;
            http.ensureDefaultType();
            // the M shares stay after the run (for the next one), so the quota must hold them for good
            http.raiseQuota(options.existingShares(), (long) options.existingShares() * options.sizeGib());
            List<String> ids = prepare(http);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("scenario", "reads");
            result.put("shares_in_project", ids.size());
            result.put("clients", options.clients());
            result.put("seconds", options.duration().toSeconds());
            result.put("list", measure(clients, () -> http.send("GET", "/shares", null).status()));
            result.put("detail", measure(clients, () -> http.send("GET", "/shares/detail", null).status()));
            AtomicInteger next = new AtomicInteger();
            result.put("show", measure(clients, () ->
                    http.send("GET", "/shares/" + ids.get(Math.floorMod(next.getAndIncrement(), ids.size())), null).status()));
            return result;
        }
    }

    /** Tops the project up to M available shares. */
    private List<String> prepare(ManilaHttp http) throws Exception {
        List<String> ids = new ArrayList<>();
        ManilaHttp.Reply listed = http.send("GET", "/shares/detail?status=available", null);
        listed.body().path("shares").forEach(share -> ids.add(share.path("id").asText()));
        while (ids.size() < options.existingShares()) {
            String id = http.create();
            while (!http.status(id).equals("available")) {
                Thread.sleep(20);
            }
            ids.add(id);
        }
        return ids.subList(0, Math.max(1, Math.min(ids.size(), Math.max(options.existingShares(), 1))));
    }

    interface Call {
        int call() throws Exception;
    }

    private Map<String, Object> measure(ExecutorService clients, Call call) throws Exception {
        Percentiles latency = new Percentiles();
        AtomicInteger errors = new AtomicInteger();
        long end = System.nanoTime() + options.duration().toNanos();
        long start = System.nanoTime();
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < options.clients(); i++) {
            loops.add(clients.submit(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        if (call.call() != 200) {
                            errors.incrementAndGet();
                        } else {
                            latency.add((System.nanoTime() - t0) / 1e6);
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> loop : loops) {
            loop.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("requests_per_s", Percentiles.round(latency.count() / seconds));
        summary.putAll(latency.summary());
        summary.put("errors", errors.get());
        return summary;
    }
}
