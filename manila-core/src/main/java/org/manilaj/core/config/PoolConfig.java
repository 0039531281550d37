package org.manilaj.core.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One pool of a backend, with Manila's capacity settings. Keys the service does not know are the
 * driver's pool options, which the driver binds (and rejects) itself.
 */
public class PoolConfig extends DriverOptions {
    @JsonProperty("name")
    private String name;
    @JsonProperty("thin_provisioning")
    private boolean thinProvisioning = true;
    @JsonProperty("max_over_subscription_ratio")
    private double maxOverSubscriptionRatio = 20.0;
    @JsonProperty("reserved_percentage")
    private double reservedPercentage;
    @JsonProperty("reserved_share_extend_percentage")
    private double reservedShareExtendPercentage;
    /** Caps the total the driver reports, for example to offer only part of a file system. */
    @JsonProperty("total_capacity_gb")
    private Double totalCapacityGb;
    @JsonProperty("availability_zone")
    private String availabilityZone;
    @JsonProperty("capabilities")
    private Map<String, String> capabilities = new LinkedHashMap<>();

    public PoolConfig() {
    }

    public PoolConfig(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public boolean thinProvisioning() {
        return thinProvisioning;
    }

    public double maxOverSubscriptionRatio() {
        return maxOverSubscriptionRatio;
    }

    public double reservedPercentage() {
        return reservedPercentage;
    }

    public double reservedShareExtendPercentage() {
        return reservedShareExtendPercentage;
    }

    public Double totalCapacityGb() {
        return totalCapacityGb;
    }

    public String availabilityZone() {
        return availabilityZone;
    }

    public Map<String, String> capabilities() {
        return capabilities;
    }

    /** Checks the values Jackson cannot; returns a message naming the first bad one, or null. */
    public String validate(String backend) {
        String where = "backends[" + backend + "].pools[" + name + "]";
        if (name == null || !ConfigNames.isValid(name)) {
            return where + ".name must be letters, digits, '_', '-' or '.'";
        }
        if (maxOverSubscriptionRatio < 1.0) {
            return where + ".max_over_subscription_ratio must be at least 1.0";
        }
        if (reservedPercentage < 0 || reservedPercentage > 100 || reservedShareExtendPercentage < 0
                || reservedShareExtendPercentage > 100) {
            return where + ": reserved percentages must be between 0 and 100";
        }
        if (totalCapacityGb != null && totalCapacityGb <= 0) {
            return where + ".total_capacity_gb must be positive";
        }
        return null;
    }
}
