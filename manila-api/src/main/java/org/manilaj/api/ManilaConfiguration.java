package org.manilaj.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.manilaj.core.config.BackendConfig;
import org.manilaj.core.hooks.HookSpec;

/** The service's configuration file: Dropwizard's server and database plus Manila-J's own keys. */
public class ManilaConfiguration extends Configuration {
    @Valid
    @NotNull
    @JsonProperty("database")
    private DataSourceFactory database = new DataSourceFactory();

    /** The host part of pool names ({@code host@backend#pool}), the same on every node. */
    @NotEmpty
    @JsonProperty("service_host")
    private String serviceHost = "manila";

    /** Name of the share type used when a create request names none; empty for none. */
    @JsonProperty("default_share_type")
    private String defaultShareType = "default";

    @NotEmpty
    @JsonProperty("default_availability_zone")
    private String defaultAvailabilityZone = "nova";

    @Valid
    @NotNull
    @JsonProperty("work")
    private WorkConfig work = new WorkConfig();

    @Valid
    @NotNull
    @JsonProperty("scheduler")
    private SchedulerConfig scheduler = new SchedulerConfig();

    @Valid
    @NotNull
    @JsonProperty("backends")
    private List<BackendConfig> backends = new ArrayList<>();

    @Valid
    @NotNull
    @JsonProperty("auth")
    private AuthConfig auth = new AuthConfig();

    @Valid
    @NotNull
    @JsonProperty("replication")
    private ReplicationConfig replication = new ReplicationConfig();

    /** How often shares whose type enables auto-extend have their usage read (and are extended, at most once each). */
    @NotNull
    @JsonProperty("autoextend_interval")
    private Duration autoextendInterval = Duration.seconds(60);

    /**
     * Whether the service measures requests, operations and job runs for {@code /prometheus} (the figures read from
     * the database and Dropwizard's own metrics are served either way).
     */
    @JsonProperty("metrics_enabled")
    private boolean metricsEnabled = true;

    /** The largest request body the API reads; a larger one is a 413 before it is parsed. */
    @Min(1024)
    @JsonProperty("max_request_body_bytes")
    private long maxRequestBodyBytes = 1L << 20;

    /** Hooks that hear the service's events (webhooks and commands). */
    @Valid
    @NotNull
    @JsonProperty("hooks")
    private List<HookConfig> hooks = new ArrayList<>();

    /** Default quota limits by Manila key (shares, gigabytes, per_share_gigabytes...); unset keys keep Manila's. */
    @NotNull
    @JsonProperty("quotas")
    private Map<String, Long> quotas = new LinkedHashMap<>();

    /** The database settings, with commits made durable before they are acknowledged ({@link DurableCommits}). */
    public DataSourceFactory getDatabase() {
        return DurableCommits.enforce(database);
    }

    public String getServiceHost() {
        return serviceHost;
    }

    public String getDefaultShareType() {
        return defaultShareType == null || defaultShareType.isBlank() ? null : defaultShareType;
    }

    public String getDefaultAvailabilityZone() {
        return defaultAvailabilityZone;
    }

    public WorkConfig getWork() {
        return work;
    }

    public List<BackendConfig> getBackends() {
        return backends;
    }

    public SchedulerConfig getScheduler() {
        return scheduler;
    }

    public AuthConfig getAuth() {
        return auth;
    }

    public Map<String, Long> getQuotas() {
        return quotas;
    }

    public ReplicationConfig getReplication() {
        return replication;
    }

    public long getMaxRequestBodyBytes() {
        return maxRequestBodyBytes;
    }

    public boolean isMetricsEnabled() {
        return metricsEnabled;
    }

    public java.time.Duration getAutoextendInterval() {
        return autoextendInterval.toJavaDuration();
    }

    /** The hooks, checked: a misconfigured hook stops the service at start with what is wrong. */
    public List<HookSpec> hookSpecs() {
        List<HookSpec> specs = hooks.stream().map(HookConfig::spec).toList();
        for (HookSpec spec : specs) {
            if (spec.problem() != null) {
                throw new IllegalArgumentException(spec.problem());
            }
        }
        if (specs.stream().map(HookSpec::name).distinct().count() != specs.size()) {
            throw new IllegalArgumentException("hook names must be unique");
        }
        return specs;
    }

    /**
     * A hook: {@code type} webhook (with {@code url} and {@code secret}, or {@code secret_file}) or exec (with
     * {@code command}: the program and its arguments), the {@code events} it hears, {@code timeout} of one try and
     * {@code max_attempts}; {@code phase: pre} asks it before a create or an access allow ({@code on_timeout}: allow
     * or deny when it gives no answer); {@code phase: periodic} sends it the shares' usage every {@code interval}.
     */
    public static class HookConfig {
        @JsonProperty("name")
        private String name;
        @JsonProperty("type")
        private String type;
        @JsonProperty("events")
        private List<String> events = List.of();
        @JsonProperty("url")
        private String url;
        @JsonProperty("secret")
        private String secret;
        @JsonProperty("secret_file")
        private String secretFile;
        @JsonProperty("command")
        private List<String> command;
        @JsonProperty("timeout")
        private Duration timeout = Duration.seconds(10);
        @JsonProperty("max_attempts")
        private int maxAttempts = 8;
        @JsonProperty("phase")
        private String phase = "post";
        @JsonProperty("on_timeout")
        private String onTimeout = "allow";
        @JsonProperty("interval")
        private Duration interval;

        HookSpec spec() {
            String key = secret;
            if (secretFile != null) {
                try {
                    key = java.nio.file.Files.readString(java.nio.file.Path.of(secretFile)).strip();
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("hook " + name + ": cannot read secret_file " + secretFile, e);
                }
            }
            return new HookSpec(name == null ? "" : name, type == null ? "" : type, events == null ? List.of() : events,
                    url == null ? null : java.net.URI.create(url), key, command,
                    timeout == null ? null : timeout.toJavaDuration(), maxAttempts, phase, onTimeout,
                    interval == null ? null : interval.toJavaDuration());
        }
    }

    /** How secondaries are kept up to date: a sync every {@code interval}; older than {@code max_lag} is out of sync. */
    public static class ReplicationConfig {
        @NotNull
        @JsonProperty("interval")
        private Duration interval = Duration.seconds(300);
        /** Default: twice the interval. */
        @JsonProperty("max_lag")
        private Duration maxLag;

        public org.manilaj.core.replication.ReplicationSettings settings() {
            java.time.Duration every = interval.toJavaDuration();
            return new org.manilaj.core.replication.ReplicationSettings(every,
                    maxLag == null ? every.multipliedBy(2) : maxLag.toJavaDuration());
        }
    }

    /** {@code token}: callers present tokens made with token-create; {@code noauth}: Manila's development mode. */
    public static class AuthConfig {
        @NotNull
        @Pattern(regexp = "token|noauth")
        @JsonProperty("mode")
        private String mode = "noauth";

        public String getMode() {
            return mode;
        }
    }

    /** Placement: Manila's capacity weigher multiplier and how many ranked pools to try. */
    public static class SchedulerConfig {
        /** Positive spreads shares over pools, negative stacks them (Manila's capacity_weight_multiplier). */
        @JsonProperty("capacity_weight_multiplier")
        private double capacityWeightMultiplier = 1.0;
        /** Ranked pools tried when reservations lose races to other requests. */
        @Min(1)
        @JsonProperty("max_placement_attempts")
        private int maxPlacementAttempts = 10;

        public double getCapacityWeightMultiplier() {
            return capacityWeightMultiplier;
        }

        public int getMaxPlacementAttempts() {
            return maxPlacementAttempts;
        }
    }

    /** Background work: worker threads, leases, job intervals, Quartz clustering. */
    public static class WorkConfig {
        /** This process's name in work leases; default {@code <hostname>-<application port>}. */
        @JsonProperty("node_name")
        private String nodeName;
        @Min(1)
        @JsonProperty("worker_threads")
        private int workerThreads = 8;
        @NotNull
        /** How long a process owns a running operation without renewing it; renewed every third of it. */
        @JsonProperty("lease")
        private Duration lease = Duration.seconds(60);

        /** Operations waiting for a worker thread; beyond it they wait in the database, nothing is lost. */
        @Min(1)
        @JsonProperty("queue_capacity")
        private int queueCapacity = 10_000;
        @NotNull
        @JsonProperty("reconcile_interval")
        private Duration reconcileInterval = Duration.seconds(30);
        @NotNull
        @JsonProperty("stats_interval")
        private Duration statsInterval = Duration.seconds(60);
        /** How overdue a backend's stats may be before it counts as down and gets no new shares. */
        @NotNull
        @JsonProperty("service_down_time")
        private Duration serviceDownTime = Duration.seconds(60);
        /** Quartz scheduler name: the same on every node of one cluster. */
        @NotEmpty
        @JsonProperty("scheduler_name")
        private String schedulerName = "manila";
        /** Quartz cluster mode: on for several processes sharing one PostgreSQL. */
        @JsonProperty("clustered")
        private boolean clustered;
        @Min(1)
        @JsonProperty("job_threads")
        private int jobThreads = 2;
        /** Migrations this node copies at once, on threads of their own; more wait their turn. */
        @Min(1)
        @JsonProperty("migration_threads")
        private int migrationThreads = 2;

        public String getNodeName() {
            return nodeName;
        }

        public int getWorkerThreads() {
            return workerThreads;
        }

        public int getQueueCapacity() {
            return queueCapacity;
        }

        public Duration getLease() {
            return lease;
        }

        public Duration getReconcileInterval() {
            return reconcileInterval;
        }

        public Duration getStatsInterval() {
            return statsInterval;
        }

        public Duration getServiceDownTime() {
            return serviceDownTime;
        }

        public String getSchedulerName() {
            return schedulerName;
        }

        public boolean isClustered() {
            return clustered;
        }

        public int getJobThreads() {
            return jobThreads;
        }

        public int getMigrationThreads() {
            return migrationThreads;
        }
    }
}
