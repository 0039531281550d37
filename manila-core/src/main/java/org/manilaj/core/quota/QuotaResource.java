package org.manilaj.core.quota;

import java.util.Arrays;
import java.util.Optional;

/** Manila's quota keys, with Manila's defaults and the microversion that added each to the API. */
public enum QuotaResource {
    SHARES("shares", 50, 0),
    GIGABYTES("gigabytes", 1000, 0),
    SNAPSHOTS("snapshots", 50, 0),
    SNAPSHOT_GIGABYTES("snapshot_gigabytes", 1000, 0),
    SHARE_NETWORKS("share_networks", 10, 0),
    SHARE_GROUPS("share_groups", 10, 40),
    SHARE_GROUP_SNAPSHOTS("share_group_snapshots", 10, 40),
    SHARE_REPLICAS("share_replicas", 100, 53),
    REPLICA_GIGABYTES("replica_gigabytes", 1000, 53),
    PER_SHARE_GIGABYTES("per_share_gigabytes", -1, 62);

    private final String key;
    private final long defaultLimit;
    private final int sinceMinor;

    QuotaResource(String key, long defaultLimit, int sinceMinor) {
        this.key = key;
        this.defaultLimit = defaultLimit;
        this.sinceMinor = sinceMinor;
    }

    public String key() {
        return key;
    }

    public long defaultLimit() {
        return defaultLimit;
    }

    /** The 2.x microversion from which the API shows this key. */
    public int sinceMinor() {
        return sinceMinor;
    }

    public static Optional<QuotaResource> byKey(String key) {
        return Arrays.stream(values()).filter(resource -> resource.key.equals(key)).findFirst();
    }
}
