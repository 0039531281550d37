package org.manilaj.core.share;

import java.time.Instant;

/** One recorded export location of a share. */
public record ExportLocation(String id, String shareId, String path, boolean preferred, boolean isAdminOnly,
                             Instant createdAt) {

    /** The rows to record for what a driver reported, each with an id of its own. */
    public static java.util.List<ExportLocation> of(String shareId, org.manilaj.driver.ShareExport export, Instant now) {
        return export.locations().stream()
                .map(path -> new ExportLocation(java.util.UUID.randomUUID().toString(), shareId, path.path(), path.preferred(),
                        path.adminOnly(), now))
                .toList();
    }
}
