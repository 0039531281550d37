package org.manilaj.api.views;

import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.core.types.ShareType;

/** Share types as Manila shows them; callers wrap the object under both {@code share_type} and {@code volume_type}. */
public final class ShareTypeView {
    private ShareTypeView() {
    }

    public static Map<String, Object> render(ShareType type, boolean isDefault, ApiVersion version) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", type.id());
        view.put("name", type.name());
        view.put("extra_specs", type.extraSpecs());
        Map<String, Object> required = new LinkedHashMap<>();
        if (type.extraSpecs().containsKey(ShareType.DHSS)) {
            required.put(ShareType.DHSS, type.extraSpecs().get(ShareType.DHSS));
        }
        view.put("required_extra_specs", required);
        view.put(version.atLeast(2, 7) ? "share_type_access:is_public" : "os-share-type-access:is_public", type.isPublic());
        if (version.atLeast(2, 41)) {
            view.put("description", type.description());
        }
        if (version.atLeast(2, 46)) {
            view.put("is_default", isDefault);
        }
        return view;
    }
}
