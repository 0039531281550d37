package org.manilaj.driver.linux;

import java.util.regex.Pattern;

/** Share ids as the service makes them (UUIDs), checked again wherever one becomes a path or an argument. */
final class ShareIds {
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private ShareIds() {
    }

    static String require(String shareId) {
        if (shareId == null || !UUID.matcher(shareId).matches()) {
            throw new IllegalArgumentException("invalid share id " + shareId);
        }
        return shareId;
    }
}
