package org.manilaj.api.views;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.core.share.ExportLocation;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDetails;

/** Renders shares as Manila does at a given microversion: fields appear in the version that added them. */
public final class ShareView {
    private final ApiVersion version;
    private final URI baseUri;
    private final boolean admin;

    public ShareView(ApiVersion version, URI baseUri, boolean admin) {
        this.version = version;
        this.baseUri = baseUri;
        this.admin = admin;
    }

    public Map<String, Object> summary(Share share) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", share.id());
        view.put("name", share.name());
        view.put("links", Links.of(baseUri, share.projectId(), "shares", share.id()));
        return view;
    }

    public Map<String, Object> detail(ShareDetails details) {
        Share share = details.share();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", share.id());
        view.put("size", share.sizeGb());
        view.put("availability_zone", share.availabilityZone());
        view.put("created_at", Timestamps.format(share.createdAt()));
        view.put("status", share.status());
        view.put("name", share.name());
        view.put("description", share.description());
        view.put("project_id", share.projectId());
        view.put("snapshot_id", null);
        view.put("share_network_id", null);
        view.put("share_proto", share.shareProto());
        if (!version.atLeast(2, 9)) {
            List<String> paths = details.exportLocations().stream()
                    .filter(location -> admin || !location.isAdminOnly())
                    .map(ExportLocation::path)
                    .toList();
            view.put("export_location", paths.isEmpty() ? null : paths.get(0));
            view.put("export_locations", paths);
        }
        view.put("metadata", details.metadata());
        view.put("share_type", version.atLeast(2, 6) ? share.shareTypeId() : share.shareTypeName());
        view.put("volume_type", share.shareTypeName());
        view.put("links", Links.of(baseUri, share.projectId(), "shares", share.id()));
        view.put("is_public", share.isPublic());
        if (version.atLeast(2, 2)) {
            view.put("snapshot_support", false);
        }
        if (version.atLeast(2, 4) && !version.atLeast(2, 31)) {
            view.put("consistency_group_id", null);
            view.put("source_cgsnapshot_member_id", null);
        }
        if (version.atLeast(2, 5)) {
            view.put("task_state", share.taskState());
        }
        if (version.atLeast(2, 6)) {
            view.put("share_type_name", share.shareTypeName());
        }
        if (version.atLeast(2, 10)) {
            view.put("access_rules_status", share.accessRulesStatus());
        }
        if (version.atLeast(2, 11)) {
            view.put("replication_type", details.replicationType());
            view.put("has_replicas", details.hasReplicas());
        }
        if (version.atLeast(2, 16)) {
            view.put("user_id", share.userId());
        }
        if (version.atLeast(2, 24)) {
            view.put("create_share_from_snapshot_support", false);
        }
        if (version.atLeast(2, 27)) {
            view.put("revert_to_snapshot_support", false);
        }
        if (version.atLeast(2, 31)) {
            view.put("share_group_id", null);
            view.put("source_share_group_snapshot_member_id", null);
        }
        if (version.atLeast(2, 32)) {
            view.put("mount_snapshot_support", false);
        }
        if (version.atLeast(2, 54)) {
            view.put("progress", "available".equals(share.status()) ? "100%" : null);
        }
        if (admin) {
            view.put("share_server_id", null);
            view.put("host", share.host() == null ? "" : share.host());
        }
        return view;
    }
}
