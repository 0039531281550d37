package org.manilaj.core.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One storage backend: its name, its driver and its pools. Every other key is a driver option
 * (for the Linux driver: transport, ssh, storage_root, layout, export, export_address).
 */
public class BackendConfig extends DriverOptions {
    @JsonProperty("name")
    private String name;
    @JsonProperty("driver")
    private String driver;
    @JsonProperty("pools")
    private List<PoolConfig> pools = new ArrayList<>();
    /** Backends in one domain may hold replicas of each other's shares; none: no replication. */
    @JsonProperty("replication_domain")
    private String replicationDomain;

    public BackendConfig() {
    }

    public BackendConfig(String name, String driver, List<PoolConfig> pools, Map<String, Object> driverOptions) {
        this.name = name;
        this.driver = driver;
        this.pools = new ArrayList<>(pools);
        driverOptions.forEach(this::setDriverOption);
    }

    public String name() {
        return name;
    }

    public String driver() {
        return driver;
    }

    public List<PoolConfig> pools() {
        return pools;
    }

    public String replicationDomain() {
        return replicationDomain;
    }

    /** Checks what Jackson cannot; returns a message naming the first bad value, or null. */
    public String validate() {
        if (name == null || !ConfigNames.isValid(name)) {
            return "backends[].name must be letters, digits, '_', '-' or '.': " + name;
        }
        if (driver == null || driver.isBlank()) {
            return "backends[" + name + "].driver is required";
        }
        if (replicationDomain != null && !ConfigNames.isValid(replicationDomain)) {
            return "backends[" + name + "].replication_domain must be letters, digits, '_', '-' or '.': " + replicationDomain;
        }
        if (pools.isEmpty()) {
            return "backends[" + name + "] needs at least one pool";
        }
        for (PoolConfig pool : pools) {
            String problem = pool.validate(name);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }
}
