package org.manilaj.core.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.manilaj.core.access.AccessRule;
import org.manilaj.core.access.AccessRuleDao;

/**
 * The event of a share operation that ended, read from the share as the operation's last transaction leaves it:
 * {@code share.<operation>.end} or {@code share.<operation>.error} (the operation failed or was refused, a status in
 * error, or for access an access rule in error); a delete whose share is gone ends with status {@code deleted}.
 */
public final class ShareEvents {

    /** The share as an event tells of it. */
    record ShareState(String projectId, String status, int sizeGb, String host) {
    }

    /** How many of a share's access rules an event lists (with their total). */
    static final int MAX_RULES = 100;

    private ShareEvents() {
    }

    /** In the operation's last transaction; {@code failed} when the operation says so, whatever the status. */
    public static void operationEnded(Handle handle, String shareId, String operation, boolean failed, Instant at) {
        String name = "access_sync".equals(operation) ? "access" : operation;
        Optional<ShareState> share = handle.createQuery(
                        "SELECT project_id, status, size_gb, host FROM shares WHERE id = :id")
                .bind("id", shareId).map((rs, ctx) -> new ShareState(rs.getString("project_id"), rs.getString("status"),
                        rs.getInt("size_gb"), rs.getString("host"))).findOne();
        Map<String, Object> data = new LinkedHashMap<>();
        if (share.isEmpty()) {
            data.put("status", "deleted");
            Events.record(handle, "share." + name + ".end", shareId, null, data, at);
            return;
        }
        data.put("status", share.get().status());
        data.put("size", share.get().sizeGb());
        data.put("host", share.get().host());
        // error, error_deleting, extending_error, shrinking_error, shrinking_possible_data_loss_error...
        failed |= share.get().status().contains("error");
        if ("access".equals(name)) {
            List<AccessRule> rules = handle.attach(AccessRuleDao.class).forShare(shareId);
            data.put("access_rules_total", rules.size());
            data.put("access_rules", rules.stream().limit(MAX_RULES).map(ShareEvents::rule).toList()); // an event stays small
            failed |= rules.stream().anyMatch(rule -> "error".equals(rule.state()));
        }
        Events.record(handle, "share." + name + (failed ? ".error" : ".end"), shareId, share.get().projectId(), data, at);
    }

    /** In the transaction that removes the share's row (its operation's row goes with it). */
    public static void deleted(Handle handle, String shareId, String projectId, int sizeGb, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", "deleted");
        data.put("size", sizeGb);
        Events.record(handle, "share.delete.end", shareId, projectId, data, at);
    }

    private static Map<String, Object> rule(AccessRule rule) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", rule.id());
        view.put("access_type", rule.accessType());
        view.put("access_to", rule.accessTo());
        view.put("access_level", rule.accessLevel());
        view.put("state", rule.state());
        return view;
    }
}
