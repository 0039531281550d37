package org.manilaj.driver;

import java.util.Objects;

/**
 * One way to reach a share, for example {@code 192.0.2.10:/srv/shares/<id>}. Admin-only paths are
 * hidden from tenants; the preferred path is the one clients should mount.
 */
public record ExportPath(String path, boolean preferred, boolean adminOnly) {
    public ExportPath {
        Objects.requireNonNull(path, "path");
    }
}
