package org.manilaj.core.share;

import java.time.Instant;

/** One recorded export location of a share. */
public record ExportLocation(String id, String shareId, String path, boolean preferred, boolean isAdminOnly,
                             Instant createdAt) {
}
