package org.manilaj.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;
import org.manilaj.core.config.BackendConfig;

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
    @JsonProperty("backends")
    private List<BackendConfig> backends = new ArrayList<>();

    public DataSourceFactory getDatabase() {
        return database;
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

    /** Background work: worker threads, leases, job intervals, Quartz clustering. */
    public static class WorkConfig {
        /** This process's name in work leases; default {@code <hostname>-<application port>}. */
        @JsonProperty("node_name")
        private String nodeName;
        @Min(1)
        @JsonProperty("worker_threads")
        private int workerThreads = 8;
        @NotNull
        @JsonProperty("lease")
        private Duration lease = Duration.minutes(10);
        @NotNull
        @JsonProperty("reconcile_interval")
        private Duration reconcileInterval = Duration.seconds(30);
        @NotNull
        @JsonProperty("stats_interval")
        private Duration statsInterval = Duration.seconds(60);
        /** Quartz cluster mode: on for several processes sharing one PostgreSQL. */
        @JsonProperty("clustered")
        private boolean clustered;
        @Min(1)
        @JsonProperty("job_threads")
        private int jobThreads = 2;

        public String getNodeName() {
            return nodeName;
        }

        public int getWorkerThreads() {
            return workerThreads;
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

        public boolean isClustered() {
            return clustered;
        }

        public int getJobThreads() {
            return jobThreads;
        }
    }
}
