package org.manilaj.api.dto;

import jakarta.ws.rs.QueryParam;
import java.util.List;
import java.util.Locale;
import org.manilaj.core.share.ShareQuery;

/** The query parameters of {@code GET /v2/shares} and {@code /v2/shares/detail}. */
public class ShareListParams {
    @QueryParam("name")
    public String name;
    @QueryParam("status")
    public String status;
    @QueryParam("share_type_id")
    public String shareTypeId;
    @QueryParam("sort_key")
    public String sortKey;
    @QueryParam("sort_dir")
    public String sortDir;
    @QueryParam("limit")
    public String limit;
    @QueryParam("offset")
    public String offset;
    @QueryParam("all_tenants")
    public String allTenants;

    /** Validates the parameters; a bad one is a 400 naming it. */
    public ShareQuery toQuery() {
        boolean allProjects = allTenants != null && List.of("1", "true", "yes").contains(allTenants.toLowerCase(Locale.ROOT));
        return ShareQuery.parse(name, status, shareTypeId, sortKey, sortDir, limit, offset, allProjects);
    }
}
