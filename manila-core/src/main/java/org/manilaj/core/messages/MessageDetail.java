package org.manilaj.core.messages;

import java.util.Arrays;

/** Why it failed: the fixed, safe texts a tenant may read (Manila's detail ids). */
public enum MessageDetail {
    UNKNOWN_ERROR("001", "An unknown error occurred."),
    DRIVER_FAILED("002", "The storage backend failed to carry out the operation."),
    NO_VALID_HOST("008", "No storage could be allocated for this share request, Capacity filter didn't succeed."),
    SHRINK_REFUSED("016", "The share holds more data than the requested size; the share was not shrunk."),
    /** Manila-J's own: a pre-hook refused the request (its reason follows). */
    HOOK_REFUSED("900", "A policy hook refused the request"),
    /** Manila-J's own: auto-extend found the share past its threshold but the project's quota had no room. */
    AUTOEXTEND_QUOTA("901", "The share is nearly full, but auto-extend was refused: the project's gigabytes quota has no room.");

    private final String id;
    private final String text;

    MessageDetail(String id, String text) {
        this.id = id;
        this.text = text;
    }

    public String id() {
        return id;
    }

    public String text() {
        return text;
    }

    public static MessageDetail byId(String id) {
        return Arrays.stream(values()).filter(detail -> detail.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown message detail " + id));
    }
}
