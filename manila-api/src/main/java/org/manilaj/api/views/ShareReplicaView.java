package org.manilaj.api.views;

import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.core.replication.ReplicaService;

/**
 * A share replica as Manila shows it; {@code host} for admins only. Beyond Manila, the detail shows how far
 * behind a secondary is: {@code last_sync_at}, and the bytes and milliseconds of its last sync.
 */
public final class ShareReplicaView {
    private ShareReplicaView() {
    }

    public static Map<String, Object> summary(ReplicaService.ReplicaView replica) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", replica.replica().id());
        view.put("share_id", replica.share().id());
        view.put("status", replica.status());
        view.put("replica_state", replica.replica().replicaState());
        return view;
    }

    /** @param readable whether the share's secondaries are exported read-only ({@code cast_rules_to_readonly}) */
    public static Map<String, Object> detail(ReplicaService.ReplicaView replica, boolean admin, boolean readable) {
        Map<String, Object> view = summary(replica);
        view.put("availability_zone", replica.availabilityZone());
        view.put("created_at", Timestamps.format(replica.replica().createdAt()));
        view.put("updated_at", Timestamps.format(replica.replica().updatedAt()));
        view.put("share_network_id", null);
        view.put("share_server_id", null);
        view.put("cast_rules_to_readonly", readable && !replica.replica().isActive());
        if (admin) {
            view.put("host", replica.host() == null ? "" : replica.host());
        }
        view.put("last_sync_at", replica.replica().lastSyncAt() == null ? null
                : Timestamps.format(replica.replica().lastSyncAt()));
        view.put("last_sync_bytes", replica.replica().lastSyncBytes());
        view.put("last_sync_ms", replica.replica().lastSyncMs());
        if (admin) {
            view.put("last_error", replica.replica().lastError());
        }
        return view;
    }
}
