package org.manilaj.core.pool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.core.config.PoolConfig;

/**
 * A pool's capabilities as the scheduler matches them against extra specs: what its driver reported,
 * the operator's free-form capabilities, and Manila's standard keys (backend name, capacity settings).
 */
public final class PoolCapabilities {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a pool in a replication domain offers, as a list the extra-spec matcher reads. */
    public static final String REPLICATION_TYPES = "[readable, dr]";

    private PoolCapabilities() {
    }

    public static Map<String, String> of(BackendRegistry.PoolEntry entry, PoolRow row) {
        Map<String, String> capabilities = new LinkedHashMap<>(reported(row));
        PoolConfig config = entry.config();
        capabilities.put("pool_name", entry.pool());
        capabilities.put("share_backend_name", entry.backend());
        capabilities.put("thin_provisioning", config.thinProvisioning() ? "True" : "False");
        capabilities.put("max_over_subscription_ratio", Double.toString(config.maxOverSubscriptionRatio()));
        capabilities.put("reserved_percentage", Double.toString(config.reservedPercentage()));
        capabilities.put("reserved_share_extend_percentage", Double.toString(config.reservedShareExtendPercentage()));
        if (row.totalCapacityGb() != null) {
            capabilities.put("total_capacity_gb", Double.toString(row.totalCapacityGb()));
        }
        if (row.freeCapacityGb() != null) {
            capabilities.put("free_capacity_gb", Double.toString(row.freeCapacityGb()));
        }
        if (entry.replicationDomain() != null) {
            // every layout can keep readable and dr secondaries (synced with the file-level copy engines)
            capabilities.put("replication_type", REPLICATION_TYPES);
            capabilities.put("replication_domain", entry.replicationDomain());
        }
        capabilities.putAll(config.capabilities());
        return capabilities;
    }

    /** The driver's capabilities as recorded with the last stats (JSON text), or none. */
    public static Map<String, String> reported(PoolRow row) {
        if (row.capabilities() == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(row.capabilities(), new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable capabilities of pool " + row.name(), e);
        }
    }

    static String toJson(Map<String, String> capabilities) {
        try {
            return JSON.writeValueAsString(capabilities);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
