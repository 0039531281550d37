package org.manilaj.driver.linux;

import java.util.regex.Pattern;

/** Validation of the paths the driver builds commands from. */
final class StoragePaths {
    private static final Pattern SHARE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9._\\-]+)+");

    private StoragePaths() {
    }

    static void requireAbsolute(String path, String what) {
        if (path == null || !SAFE_PATH.matcher(path).matches() || path.contains("/../") || path.endsWith("/..")
                || path.contains("/./")) {
            throw new IllegalArgumentException(what + " must be an absolute path of letters, digits, '.', '_' and '-': "
                    + path);
        }
    }

    /** The share's directory; the id must be a lower-case UUID, so that it can never escape the root. */
    static String shareDirectory(String root, String shareId) {
        if (!SHARE_ID.matcher(shareId).matches()) {
            throw new IllegalArgumentException("not a share id: " + shareId);
        }
        return root + "/" + shareId;
    }
}
