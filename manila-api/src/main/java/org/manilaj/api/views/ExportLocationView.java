package org.manilaj.api.views;

import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.core.share.ExportLocation;

/** Export locations (2.9+); {@code preferred} from 2.14; instance id and admin flag for admins only. */
public final class ExportLocationView {
    private ExportLocationView() {
    }

    public static Map<String, Object> render(ExportLocation location, ApiVersion version, boolean admin, boolean detail) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", location.id());
        view.put("path", location.path());
        if (version.atLeast(2, 14)) {
            view.put("preferred", location.preferred());
        }
        if (admin) {
            view.put("share_instance_id", location.shareId());
            view.put("is_admin_only", location.isAdminOnly());
        }
        if (detail) {
            view.put("created_at", Timestamps.format(location.createdAt()));
            view.put("updated_at", Timestamps.format(location.createdAt()));
        }
        return view;
    }
}
