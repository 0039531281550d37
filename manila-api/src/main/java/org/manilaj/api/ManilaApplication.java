package org.manilaj.api;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.dropwizard.assets.AssetsBundle;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.migrations.MigrationsBundle;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import jakarta.servlet.DispatcherType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.glassfish.jersey.server.ResourceConfig;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;
import org.manilaj.api.cli.AuditCommand;
import org.manilaj.api.cli.DrainCommand;
import org.manilaj.api.cli.HostScriptsCommand;
import org.manilaj.api.cli.PoolsCommand;
import org.manilaj.api.cli.RebalanceApplyCommand;
import org.manilaj.api.cli.RebalanceCancelCommand;
import org.manilaj.api.cli.RebalanceCommand;
import org.manilaj.api.cli.RebalanceStatusCommand;
import org.manilaj.api.cli.TokenCreateCommand;
import org.manilaj.api.cli.TokenListCommand;
import org.manilaj.api.cli.TokenRevokeCommand;
import org.manilaj.api.console.ConsoleHeaders;
import org.manilaj.api.errors.JsonErrorHandler;
import org.manilaj.api.errors.ManilaErrorMapper;
import org.manilaj.api.filters.ActionNames;
import org.manilaj.api.filters.AuditLog;
import org.manilaj.api.filters.AuthFilter;
import org.manilaj.api.filters.CallerBinding;
import org.manilaj.api.filters.MicroversionFilter;
import org.manilaj.api.filters.ProjectPathFilter;
import org.manilaj.api.filters.RequestBodyLimit;
import org.manilaj.api.metrics.BackendHealthCheck;
import org.manilaj.api.metrics.RequestMetricsFilter;
import org.manilaj.api.metrics.ServiceMetrics;
import org.manilaj.api.openapi.OpenApiDocument;
import org.manilaj.api.openapi.OpenApiResource;
import org.manilaj.api.resources.AdminAuditResource;
import org.manilaj.api.resources.AdminHooksResource;
import org.manilaj.api.resources.AdminRebalanceResource;
import org.manilaj.api.resources.MessagesResource;
import org.manilaj.api.resources.PoolsResource;
import org.manilaj.api.resources.QuotaSetsResource;
import org.manilaj.api.resources.ServicesResource;
import org.manilaj.api.resources.ShareAccessRulesResource;
import org.manilaj.api.resources.ShareCapacityResource;
import org.manilaj.api.resources.ShareReplicasResource;
import org.manilaj.api.resources.ShareTypesResource;
import org.manilaj.api.resources.SharesResource;
import org.manilaj.api.resources.VersionsResource;
import org.manilaj.core.RequestContext;
import org.manilaj.core.access.AccessRepair;
import org.manilaj.core.access.AccessService;
import org.manilaj.core.audit.BooksAudit;
import org.manilaj.core.auth.TokenService;
import org.manilaj.core.autoextend.AutoExtender;
import org.manilaj.core.config.WorkSettings;
import org.manilaj.core.db.DaoMetadata;
import org.manilaj.core.hooks.HookDeliverer;
import org.manilaj.core.hooks.HookService;
import org.manilaj.core.hooks.HookSpec;
import org.manilaj.core.hooks.HookTarget;
import org.manilaj.core.hooks.PreHooks;
import org.manilaj.core.hooks.UsageReports;
import org.manilaj.core.jobs.QuartzJobs;
import org.manilaj.core.messages.UserMessages;
import org.manilaj.core.migration.MigrationRunner;
import org.manilaj.core.migration.MigrationService;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.pool.BackendServices;
import org.manilaj.core.pool.PoolHealth;
import org.manilaj.core.pool.PoolReports;
import org.manilaj.core.pool.PoolStatsCollector;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.rebalance.RebalanceExecutor;
import org.manilaj.core.rebalance.RebalanceMigrationListener;
import org.manilaj.core.rebalance.RebalanceService;
import org.manilaj.core.replication.ReplicaService;
import org.manilaj.core.replication.ReplicaSyncJob;
import org.manilaj.core.replication.ReplicationSettings;
import org.manilaj.core.share.ShareOperations;
import org.manilaj.core.share.ShareResizeService;
import org.manilaj.core.share.ShareService;
import org.manilaj.core.types.ShareTypeAccess;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.OperationRunner;
import org.manilaj.core.work.TransientRetry;
import org.manilaj.scheduler.PoolScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the service together: database, drivers, workers, jobs and the Manila v2 REST API. */
public class ManilaApplication extends Application<ManilaConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(ManilaApplication.class);
    /** No request of Manila's API nests deeper than a few levels or needs longer numbers or names. */
    private static final StreamReadConstraints JSON_LIMITS = StreamReadConstraints.builder().maxNestingDepth(32)
            .maxNumberLength(64).maxNameLength(1024).build();
    /** The durable job that carries a migration on (see MigrationRunner). */
    private static final String MIGRATION_JOB = "migration";
    private static final String REBALANCE_JOB = "rebalance";
    private static final String HOOKS_JOB = "deliver-events";
    private static final String AUTOEXTEND_JOB = "autoextend";
    /** How often hooks get the events written since: the delay between a change and its webhook, at most. */
    private static final java.time.Duration HOOKS_TICK = java.time.Duration.ofSeconds(1);

    /** How often applied rebalance plans move on besides when their migrations turn (the listener fires the job). */
    private static final java.time.Duration REBALANCE_TICK = java.time.Duration.ofSeconds(2);

    public static void main(String[] args) throws Exception {
        new ManilaApplication().run(args);
    }

    @Override
    public String getName() {
        return "manila-j";
    }

    @Override
    public void initialize(Bootstrap<ManilaConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        bootstrap.addCommand(new TokenCreateCommand());
        bootstrap.addCommand(new TokenListCommand());
        bootstrap.addCommand(new TokenRevokeCommand());
        bootstrap.addCommand(new HostScriptsCommand());
        bootstrap.addCommand(new PoolsCommand());
        bootstrap.addCommand(new RebalanceCommand());
        bootstrap.addCommand(new RebalanceStatusCommand());
        bootstrap.addCommand(new RebalanceCancelCommand());
        bootstrap.addCommand(new RebalanceApplyCommand());
        bootstrap.addCommand(new DrainCommand());
        bootstrap.addCommand(new AuditCommand());
        bootstrap.addBundle(new AssetsBundle("/console/", "/console/", "index.html", "console"));
        bootstrap.addBundle(new MigrationsBundle<>() {
            @Override
            public DataSourceFactory getDataSourceFactory(ManilaConfiguration configuration) {
                return configuration.getDatabase();
            }

            @Override
            public String getMigrationsFileName() {
                return DatabaseMigrator.CHANGELOG;
            }
        });
    }

    /** How long a stop (SIGTERM) may take before the process halts: everything acknowledged is on disk already. */
    static final java.time.Duration STOP_DEADLINE = java.time.Duration.ofSeconds(20);

    /**
     * SIGTERM always ends the process: when the orderly stop hangs (H2 closes its database when a thread is
     * interrupted in its file I/O, and Quartz then retries against it for ever), a watchdog halts the JVM after
     * {@link #STOP_DEADLINE}. Halting loses nothing a crash would not: every acknowledged change is committed,
     * and a restart resumes the rest. The hook only starts the watchdog, as a daemon, so that a stop that ends
     * in time is not held up by it.
     */
    private static void haltIfStopHangs() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(STOP_DEADLINE.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                LOG.error("the stop did not end within {}; halting (acknowledged changes are on disk)", STOP_DEADLINE);
                Runtime.getRuntime().halt(1);
            }, "stop-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }, "stop-watchdog-starter"));
    }

    @Override
    public void run(ManilaConfiguration config, Environment environment) {
        haltIfStopHangs();
        // Our one exception mapper must see every failure, including malformed JSON; errors Jetty raises
        // before Jersey (bad URIs, oversized headers) get Manila's JSON body too.
        if (config.getServerFactory() instanceof AbstractServerFactory server) {
            server.setRegisterDefaultExceptionMappers(false);
        }
        environment.getApplicationContext().setErrorHandler(new JsonErrorHandler());
        environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(new JsonErrorHandler()));
        // A null inside a map or list of a body (metadata values, extra specs, quota values) is a 400, not
        // a null that some service would trip over.
        environment.getObjectMapper().setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        Clock clock = Clock.systemUTC();
        DatabaseMigrator.migrate(config.getDatabase());
        // One gate for both pools: a Quartz write racing one of ours would break H2 the same way.
        WriteGate writeGate = new WriteGate(DurableCommits.H2_LOCK_TIMEOUT_MILLIS);
        String url = config.getDatabase().getUrl();
        if (config.getDatabase().isRemoveAbandoned() && SerializedWrites.appliesTo(url)) {
            throw new IllegalArgumentException("database.removeAbandoned must stay off on an H2 file database: a connection"
                    + " reclaimed while it writes would keep the write gate (see README, Known problems)");
        }
        ManagedDataSource dataSource = SerializedWrites.forH2(url, config.getDatabase().build(environment.metrics(), "manila"),
                writeGate);
        boolean postgres = DatabaseMigrator.isPostgres(dataSource);
        if (postgres) {
            DurableCommits.verify(dataSource);
        }
        Jdbi jdbi = new JdbiFactory().build(environment, config.getDatabase(), dataSource, "manila");
        // Dropwizard's name-prepending engine re-parses every statement; JDBI's own caches the parse.
        jdbi.setTemplateEngine(new DefinedAttributeTemplateEngine());
        DaoMetadata.preload(jdbi);
        // Quartz gets a pool of its own: its job store turns auto-commit off on the connections it uses.
        ManagedDataSource quartzDataSource = SerializedWrites.forH2(url,
                config.getDatabase().build(environment.metrics(), "quartz"), writeGate);
        environment.lifecycle().manage(quartzDataSource);

        ManilaConfiguration.WorkConfig work = config.getWork();
        WorkSettings settings = new WorkSettings(nodeName(config), work.getWorkerThreads(),
                work.getLease().toJavaDuration(), work.getReconcileInterval().toJavaDuration(),
                work.getStatsInterval().toJavaDuration(), work.getQueueCapacity());

        BackendRegistry registry = BackendRegistry.load(config.getServiceHost(), config.getBackends());
        PoolStatsCollector stats = new PoolStatsCollector(jdbi, registry, clock);
        PoolHealth health = new PoolHealth(clock, settings.statsInterval(), work.getServiceDownTime().toJavaDuration());
        PlacementService placement = new PlacementService(jdbi, registry,
                PoolScheduler.manilaDefaults(config.getScheduler().getCapacityWeightMultiplier()), health,
                config.getDefaultAvailabilityZone(), config.getScheduler().getMaxPlacementAttempts(), clock);
        ShareTypeService shareTypes = new ShareTypeService(jdbi, clock, config.getDefaultShareType());
        UserMessages messages = new UserMessages(jdbi, clock);
        QuotaService quotas = new QuotaService(jdbi, config.getQuotas());
        List<HookSpec> hookSpecs = config.hookSpecs();
        PreHooks preHooks = new PreHooks(hookSpecs, clock);
        OperationRunner runner = ShareOperations.runner(jdbi, registry, placement, shareTypes, messages, quotas, settings,
                TransientRetry.defaults(), preHooks, clock);
        ShareService shares = new ShareService(jdbi, shareTypes, runner, quotas, placement, preHooks, clock);
        ShareResizeService resize = new ShareResizeService(jdbi, runner, quotas, clock);
        AccessService access = new AccessService(jdbi, runner, clock);
        QuartzJobs jobs = new QuartzJobs(quartzDataSource, postgres, work.getSchedulerName(), work.isClustered(),
                work.getJobThreads());
        MigrationRunner migrationRunner = new MigrationRunner(jdbi, registry, placement, settings.nodeName(), settings.lease(),
                work.getMigrationThreads(), clock, new RebalanceMigrationListener(jdbi, () -> jobs.fireNow(REBALANCE_JOB)));
        ReplicationSettings replication = config.getReplication().settings();
        ReplicaService replicas = new ReplicaService(jdbi, shareTypes, registry, placement, runner, quotas, clock);
        ReplicaSyncJob replicaSync = new ReplicaSyncJob(jdbi, runner, replication, clock);
        MigrationService migrations = new MigrationService(jdbi, registry, placement, shareTypes,
                migrationId -> jobs.runOnce(MIGRATION_JOB, migrationId), clock);
        HookDeliverer hooks = new HookDeliverer(jdbi, hookSpecs, clock);
        AutoExtender autoExtender = new AutoExtender(jdbi, registry, shareTypes, resize, messages,
                config.getAutoextendInterval(), clock);
        RebalanceService rebalance = new RebalanceService(jdbi, registry, health, placement, shareTypes, clock,
                () -> jobs.fireNow(REBALANCE_JOB));
        RebalanceExecutor rebalancer = new RebalanceExecutor(jdbi, registry, migrations, rebalance::replan, clock);
        ServiceMetrics metrics = new ServiceMetrics(environment.metrics(), jdbi,
                () -> rebalance.pools(new RequestContext("metrics", "admin", true)), registry::connectionsInUse);
        if (config.isMetricsEnabled()) {
            runner.observeTimings(metrics::operation);
            jobs.observeRuns(metrics::jobRan);
        }

        environment.lifecycle().manage(closing(registry));
        environment.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                stats.registerConfiguredPools();
                stats.refreshAll();
                placement.forgetSnapshot();
                try {
                    runner.reconcile();
                } catch (RuntimeException e) {
                    if (!isLockTimeout(e)) {
                        throw e;
                    }
                    // a row lock it waited on too long: the reconcile job tries again shortly, while a service
                    // that did not start would finish nothing at all
                    LOG.error("the start-up reconcile timed out on a row lock; the reconcile job retries it", e);
                }
            }

            @Override
            public void stop() {
                runner.close();
            }
        });
        environment.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                Set<String> names = new HashSet<>();
                names.add("reconcile-shares");
                jobs.register(MIGRATION_JOB, migrationRunner::submit); // the job only hands the copy to its own threads
                AccessRepair accessRepair = new AccessRepair(jdbi, runner, health, clock);
                jobs.scheduleEvery("reconcile-shares", settings.reconcileInterval(), () -> {
                    try {
                        runner.reconcile();
                    } finally { // each part runs whatever the others did; the job still fails when the first did
                        try {
                            accessRepair.retryFailedRules();
                        } catch (RuntimeException e) {
                            LOG.warn("the access repair pass failed; the next one tries again", e);
                        }
                        // a migration no live node runs (its job lost, its clean-up failed, its node dead) gets a job
                        migrationRunner.unfinished().forEach(id -> jobs.runOnce(MIGRATION_JOB, id));
                    }
                });
                names.add("sync-replicas");
                jobs.scheduleEvery("sync-replicas", replication.interval(), replicaSync);
                names.add(REBALANCE_JOB);
                jobs.scheduleEvery(REBALANCE_JOB, REBALANCE_TICK, rebalancer::advance);
                names.add(AUTOEXTEND_JOB);
                jobs.scheduleEvery(AUTOEXTEND_JOB, config.getAutoextendInterval(), autoExtender::run);
                UsageReports usage = new UsageReports(jdbi, registry, clock);
                for (HookSpec periodic : hookSpecs.stream().filter(HookSpec::isPeriodic).toList()) {
                    HookTarget target = HookTarget.of(periodic);
                    names.add("hook-" + periodic.name());
                    jobs.scheduleEvery("hook-" + periodic.name(), periodic.interval(), () -> usage.send(periodic, target));
                }
                hooks.subscribe(); // before any job runs: from now on every event gets its deliveries
                if (!hooks.hooks().isEmpty()) {
                    names.add(HOOKS_JOB);
                    jobs.scheduleEvery(HOOKS_JOB, HOOKS_TICK, hooks::deliverDue);
                }
                for (String backend : registry.drivers().keySet()) {
                    names.add("pool-stats-" + backend);
                    jobs.scheduleEvery("pool-stats-" + backend, settings.statsInterval(), () -> {
                        stats.refresh(backend);
                        placement.forgetSnapshot();
                    });
                }
                jobs.removeAllExcept(names);
                jobs.start();
            }

            @Override
            public void stop() {
                jobs.close();
                migrationRunner.close();
            }
        });

        environment.jersey().register(new RequestBodyLimit(config.getMaxRequestBodyBytes()));
        environment.getObjectMapper().getFactory().setStreamReadConstraints(JSON_LIMITS);
        environment.jersey().register(new ActionNames());
        environment.jersey().register(new AuditLog());
        environment.jersey().register(new ProjectPathFilter());
        environment.jersey().register(new CallerBinding(new MicroversionFilter(),
                authFilter(config, new TokenService(jdbi, clock))));
        environment.jersey().register(new ManilaErrorMapper());
        environment.jersey().register(new VersionsResource());
        environment.jersey().register(new SharesResource(shares, resize, access, migrations));
        environment.jersey().register(new ShareAccessRulesResource(access));
        environment.jersey().register(new ShareReplicasResource(replicas));
        ShareTypeAccess typeAccess = new ShareTypeAccess(jdbi, shareTypes);
        environment.jersey().register(new ShareTypesResource(shareTypes, typeAccess));
        environment.jersey().register(new ShareCapacityResource(placement, shareTypes, typeAccess, quotas));
        environment.jersey().register(new MessagesResource(messages));
        environment.jersey().register(new QuotaSetsResource(quotas));
        environment.jersey().register(new PoolsResource(new PoolReports(jdbi, registry, health, placement), shareTypes));
        environment.jersey().register(new ServicesResource(new BackendServices(jdbi, registry, health,
                placement::availabilityZoneOf, placement::forgetSnapshot, clock)));
        environment.jersey().register(new AdminRebalanceResource(rebalance));
        environment.jersey().register(new AdminAuditResource(new BooksAudit(jdbi, registry)));
        if (config.isMetricsEnabled()) {
            environment.jersey().register(new RequestMetricsFilter(metrics));
        }
        environment.admin().addServlet("prometheus", new PrometheusMetricsServlet(metrics.registry())).addMapping("/prometheus");
        for (String backend : registry.drivers().keySet()) {
            environment.healthChecks().register("backend-" + backend, new BackendHealthCheck(jdbi, health, backend));
        }
        environment.jersey().register(new AdminHooksResource(new HookService(jdbi, hookSpecs, clock)));
        environment.servlets().addFilter("console-headers", new ConsoleHeaders())
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/console/*");
        ResourceConfig jersey = environment.jersey().getResourceConfig();
        environment.jersey().register(new OpenApiResource(() -> OpenApiDocument.of(jersey)));
    }

    /**
     * Token authentication, or noauth (everyone admin) for local development, which is refused unless
     * every application connector listens on loopback.
     */
    private static AuthFilter authFilter(ManilaConfiguration config, TokenService tokens) {
        if (config.getAuth().getMode().equals("token")) {
            return AuthFilter.tokens(tokens);
        }
        LoopbackOnly.check(config.getServerFactory());
        LOG.warn("auth.mode is noauth: any caller is an admin of any project (X-Auth-Token: user:project)."
                + " Use auth.mode token outside local development.");
        return AuthFilter.noAuth();
    }


    private static Managed closing(AutoCloseable resource) {
        return new Managed() {
            @Override
            public void stop() throws Exception {
                resource.close();
            }
        };
    }

    /** The configured node name, or {@code <hostname>-<application port>}: unique per process on a host. */
    /** A lock wait that timed out (H2 HYT00 or its concurrent-update 90131, PostgreSQL 55P03), anywhere in the causes. */
    static boolean isLockTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql
                    && java.util.Set.of("HYT00", "90131", "55P03").contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    static String nodeName(ManilaConfiguration config) {
        if (config.getWork().getNodeName() != null && !config.getWork().getNodeName().isBlank()) {
            return config.getWork().getNodeName();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + applicationPort(config.getServerFactory());
    }

    private static int applicationPort(ServerFactory serverFactory) {
        if (serverFactory instanceof DefaultServerFactory server) {
            for (ConnectorFactory connector : server.getApplicationConnectors()) {
                if (connector instanceof HttpConnectorFactory http) {
                    return http.getPort();
                }
            }
        }
        if (serverFactory instanceof SimpleServerFactory simple && simple.getConnector() instanceof HttpConnectorFactory http) {
            return http.getPort();
        }
        throw new IllegalStateException("work.node_name must be set: it cannot be made unique from this server's settings");
    }
}
