package org.manilaj.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N shares created by C concurrent clients, each polled until {@code available}, then deleted and
 * polled until gone: create→available and delete→gone latencies, throughput of each phase, errors.
 */
final class LifecycleScenario {
    private final LoadOptions options;

    LifecycleScenario(LoadOptions options) {
        this.options = options;
    }

    Map<String, Object> run() throws Exception {
        try (ClientPool pool = new ClientPool(options)) {
            pool.http.ensureDefaultType();
            String previousQuota = pool.http.raiseQuota(options.shares(), (long) options.shares() * options.sizeGib());
            try {
                return measure(pool.http, pool.clients);
            } finally {
                pool.http.restoreQuota(previousQuota);
            }
        }
    }

    private Map<String, Object> measure(ManilaHttp http, ExecutorService clients) throws Exception {
        StepBreakdown breakdown = new StepBreakdown(options.metricsUrl());
        boolean stepsRead = breakdown.start();
        {
            Percentiles created = new Percentiles();
            Percentiles deleted = new Percentiles();
            AtomicInteger errors = new AtomicInteger();
            List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());

            long start = System.nanoTime();
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < options.shares(); i++) {
                work.add(clients.submit(() -> {
                    long t0 = System.nanoTime();
                    try {
                        String id = http.create();
                        if (await(http, id, "available")) {
                            created.add((System.nanoTime() - t0) / 1e6);
                        } else {
                            errors.incrementAndGet();
                        }
                        ids.add(id);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get();
            }
            double createSeconds = (System.nanoTime() - start) / 1e9;

            work.clear();
            start = System.nanoTime();
            for (String id : new ArrayList<>(ids)) {
                work.add(clients.submit(() -> {
                    long t0 = System.nanoTime();
                    try {
                        http.delete(id);
                        if (await(http, id, "gone")) {
                            deleted.add((System.nanoTime() - t0) / 1e6);
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> future : work) {
                future.get();
            }
            double deleteSeconds = (System.nanoTime() - start) / 1e9;

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("scenario", "lifecycle");
            result.put("shares", options.shares());
            result.put("clients", options.clients());
            result.put("poll_ms", options.pollInterval().toMillis());
            result.put("create_to_available", created.summary());
            result.put("create_throughput_per_s", Percentiles.round(created.count() / createSeconds));
            result.put("delete_to_gone", deleted.summary());
            result.put("delete_throughput_per_s", Percentiles.round(deleted.count() / deleteSeconds));
            result.put("errors", errors.get());
            if (stepsRead) {
                // the API's create and delete requests, and each operation's steps, as the service measured them
                breakdown.since().forEach((type, steps) -> result.put("server_ms_" + type, steps));
            }
            return result;
        }
    }

    /** Polls until the share reaches {@code wanted}; false when it fails or takes more than two minutes. */
    private boolean await(ManilaHttp http, String id, String wanted) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            String status = http.status(id);
            if (status.equals(wanted)) {
                return true;
            }
            if (status.contains("error")) {
                return false;
            }
            Thread.sleep(options.pollInterval().toMillis());
        }
        return false;
    }
}
