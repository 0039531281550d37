package org.manilaj.api.metrics;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.OperationTimings;
import org.manilaj.scheduler.rebalance.PlanPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's metrics in Prometheus' model: requests (count and latency by method, route and status) and
 * operations (time from request to end, by type) as they happen; the rest read from the database at each scrape,
 * so that they hold across restarts and say the same on every node: events by type (completed and failed operations,
 * migrations, rebalance plans), shares by status, each pool's size, provisioned space, overcommit ratio and
 * utilisation, replicas' lag and last sync's bytes, migrations in flight and their bytes, hook deliveries by state;
 * SSH sessions in use per backend and Quartz job runs of this process; and every Dropwizard metric (JVM, Jetty,
 * database pool) through the Prometheus client's bridge. A family whose read fails is left out of that scrape (and
 * logged), not the whole scrape.
 */
public final class ServiceMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceMetrics.class);
    /** From a stats refresh's milliseconds to a migration's hours. */
    private static final double[] JOB_SECONDS_BUCKETS = {0.01, 0.05, 0.25, 1, 5, 30, 120, 600, 1800, 3600, 4 * 3600, 12 * 3600};
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram requests;
    private final Histogram operations;
    private final Histogram operationSteps;
    private final Counter jobRuns;
    private final Histogram jobSeconds;

    /** A count read from the database: the labels' values and the number. */
    record Row(String label, String second, double value) {
    }

    /**
     * @param readPools the pools as the scheduler sees them
     * @param connectionsInUse each backend's connections to its host in use now
     */
    public ServiceMetrics(MetricRegistry dropwizard, Jdbi jdbi, Supplier<List<PlanPool>> readPools,
                          Supplier<Map<String, Integer>> connectionsInUse) {
        Supplier<List<PlanPool>> pools = oncePerScrape(readPools);
        registry.register(new DropwizardExports(dropwizard));
        requests = Histogram.builder().name("manila_http_request_seconds")
                .help("API requests by method, route template and status").labelNames("method", "route", "status")
                .register(registry);
        operations = Histogram.builder().name("manila_operation_seconds")
                .help("Share operations from request to end, by type").labelNames("type").register(registry);
        operationSteps = Histogram.builder().name("manila_operation_step_seconds")
                .help("The steps of the run that finished each share operation (handoff, lease, placement, driver,"
                        + " record, rest), by type").labelNames("type", "step").register(registry);
        CounterWithCallback.builder().name("manila_events").help("Events written to the outbox, by type (.end, .error)")
                .labelNames("type").callback(callback -> rows(jdbi,
                        "SELECT type, '' AS l2, COUNT(*) AS n FROM events GROUP BY type")
                        .forEach(row -> callback.call(row.value(), row.label()))).register(registry);
        GaugeWithCallback.builder().name("manila_shares").help("Shares by status").labelNames("status")
                .callback(callback -> rows(jdbi, "SELECT status, '' AS l2, COUNT(*) AS n FROM shares GROUP BY status")
                        .forEach(row -> callback.call(row.value(), row.label()))).register(registry);
        pool(pools, "manila_pool_total_gib", "Pool size in GiB", pool -> pool.state().totalCapacityGb());
        pool(pools, "manila_pool_free_gib", "Pool free space in GiB as last reported", pool -> pool.state().freeCapacityGb());
        pool(pools, "manila_pool_provisioned_gib", "GiB provisioned on the pool", pool -> (double) pool.state().provisionedCapacityGb());
        pool(pools, "manila_pool_overcommit_ratio", "The pool's max over-subscription ratio",
                pool -> pool.state().maxOverSubscriptionRatio());
        pool(pools, "manila_pool_utilisation_ratio", "Provisioned / (size x ratio)", PlanPool::utilisation);
        pool(pools, "manila_pool_usable", "1 when the pool's backend is up and enabled", pool -> pool.usable() ? 1.0 : 0.0);
        GaugeWithCallback.builder().name("manila_replica_lag_seconds").help("Seconds since each secondary replica's last sync")
                .labelNames("share_id", "replica_id").callback(callback -> rows(jdbi,
                        "SELECT share_id, id AS l2, 0 AS n, last_sync_at FROM share_replicas"
                                + " WHERE replica_state IS NOT NULL AND replica_state <> 'active' AND last_sync_at IS NOT NULL",
                        true).forEach(row -> callback.call(row.value(), row.label(), row.second()))).register(registry);
        GaugeWithCallback.builder().name("manila_replica_last_sync_bytes").help("Bytes sent by each secondary replica's last sync")
                .labelNames("share_id", "replica_id").callback(callback -> rows(jdbi,
                        "SELECT share_id, id AS l2, last_sync_bytes AS n FROM share_replicas"
                                + " WHERE replica_state IS NOT NULL AND replica_state <> 'active' AND last_sync_at IS NOT NULL")
                        .forEach(row -> callback.call(row.value(), row.label(), row.second()))).register(registry);
        GaugeWithCallback.builder().name("manila_migrations_in_flight").help("Migrations under way")
                .callback(callback -> rows(jdbi, "SELECT '' AS l1, '' AS l2, COUNT(*) AS n FROM share_migrations")
                        .forEach(row -> callback.call(row.value()))).register(registry);
        GaugeWithCallback.builder().name("manila_migration_bytes_copied").help("Bytes copied by the migrations under way")
                .callback(callback -> rows(jdbi, "SELECT '' AS l1, '' AS l2, COALESCE(SUM(bytes_copied), 0) AS n"
                        + " FROM share_migrations").forEach(row -> callback.call(row.value()))).register(registry);
        GaugeWithCallback.builder().name("manila_ssh_sessions_in_use").help("SSH sessions to each backend's host in use now")
                .labelNames("backend").callback(callback -> orNothing("SSH sessions", () -> List.copyOf(connectionsInUse.get().entrySet()))
                        .forEach(inUse -> callback.call(inUse.getValue(), inUse.getKey()))).register(registry);
        jobRuns = Counter.builder().name("manila_job_runs").help("Quartz job runs in this process by job and outcome")
                .labelNames("job", "outcome").register(registry);
        jobSeconds = Histogram.builder().name("manila_job_seconds").help("Quartz job run time in this process by job")
                .classicUpperBounds(JOB_SECONDS_BUCKETS).labelNames("job").register(registry);
        GaugeWithCallback.builder().name("manila_hook_deliveries").help("Hook deliveries by hook and state (dead: dead letters)")
                .labelNames("hook", "status").callback(callback -> rows(jdbi,
                        "SELECT hook, status AS l2, COUNT(*) AS n FROM hook_deliveries GROUP BY hook, status")
                        .forEach(row -> callback.call(row.value(), row.label(), row.second()))).register(registry);
    }

    /**
     * The six pool gauges of one scrape share one read of the pools (and see the same state): a read is kept for a
     * second.
     */
    private static Supplier<List<PlanPool>> oncePerScrape(Supplier<List<PlanPool>> read) {
        AtomicReference<Read> last = new AtomicReference<>();
        return () -> {
            Read seen = last.get();
            long now = System.nanoTime();
            if (seen == null || now - seen.at() > 1_000_000_000L) {
                seen = new Read(now, orNothing("pools", read)); // a failed read too is kept for the scrape
                last.set(seen);
            }
            return seen.pools();
        };
    }

    private record Read(long at, List<PlanPool> pools) {
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    void request(String method, String route, int status, double seconds) {
        requests.labelValues(method, route, Integer.toString(status)).observe(seconds);
    }

    public void operation(OperationTimings timings) {
        String type = timings.kind().wireName();
        operations.labelValues(type).observe(timings.total().toNanos() / 1e9);
        timings.steps().forEach((step, took) -> operationSteps.labelValues(type, step).observe(took.toNanos() / 1e9));
    }

    /** A Quartz job's run ended (see {@code QuartzJobs.observeRuns}). */
    public void jobRan(String job, Duration took, boolean failed) {
        jobRuns.labelValues(job, failed ? "failed" : "ok").inc();
        jobSeconds.labelValues(job).observe(took.toNanos() / 1e9);
    }

    private void pool(Supplier<List<PlanPool>> pools, String name, String help,
                      java.util.function.ToDoubleFunction<PlanPool> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("pool", "backend").callback(callback -> {
            for (PlanPool pool : pools.get()) {
                double v = value.applyAsDouble(pool);
                if (!Double.isNaN(v)) {
                    callback.call(v, pool.name(), pool.backend());
                }
            }
        }).register(registry);
    }

    private static List<Row> rows(Jdbi jdbi, String sql) {
        return rows(jdbi, sql, false);
    }

    /** With {@code lag}: the value is the seconds since the row's {@code last_sync_at}. */
    private static List<Row> rows(Jdbi jdbi, String sql, boolean lag) {
        Instant now = Instant.now();
        return orNothing(sql, () -> jdbi.withHandle(handle -> handle.createQuery(sql).map((rs, ctx) -> new Row(rs.getString(1),
                rs.getString(2), lag ? Duration.between(rs.getTimestamp("last_sync_at").toInstant(), now).toMillis() / 1000.0
                        : rs.getDouble(3))).list()));
    }

    /** What {@code read} returns, or nothing when it fails (a database away): the scrape goes on without it. */
    private static <T> List<T> orNothing(String what, Supplier<List<T>> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            LOG.warn("metrics: cannot read {}: {}", what, e.toString());
            return List.of();
        }
    }
}
