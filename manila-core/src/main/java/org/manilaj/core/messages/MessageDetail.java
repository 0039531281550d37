package org.manilaj.core.messages;

import java.util.Arrays;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.NoSpaceException;
import org.manilaj.driver.TimedOutException;
import org.manilaj.driver.TransientDriverException;

/** Why it failed: the fixed, safe texts a tenant may read (Manila's detail ids). */
public enum MessageDetail {
    UNKNOWN_ERROR("001", "An unknown error occurred."),
    DRIVER_FAILED("002", "The storage backend failed to carry out the operation."),
    NO_VALID_HOST("008", "No storage could be allocated for this share request, Capacity filter didn't succeed."),
    SHRINK_REFUSED("016", "The share holds more data than the requested size; the share was not shrunk."),
    /** Manila-J's own: a pre-hook refused the request (its reason follows). */
    HOOK_REFUSED("900", "A policy hook refused the request"),
    /** Manila-J's own: auto-extend found the share past its threshold but the project's quota had no room. */
    AUTOEXTEND_QUOTA("901", "The share is nearly full, but auto-extend was refused: the project's gigabytes quota has no room."),
    /** Manila-J's own: the backend's file system is (nearly) full. */
    NO_SPACE("902", "The storage backend has no space left."),
    /** Manila-J's own: a command on the backend ran past its time limit and was stopped. */
    BACKEND_TIMEOUT("903", "The storage backend did not finish in time; the operation was stopped."),
    /** Manila-J's own: the backend's host could not be reached (down, or refusing connections). */
    BACKEND_UNREACHABLE("904", "The storage backend could not be reached.");

    /** The text a tenant reads for a driver's failure: what kind of failure it was, never the backend's own words. */
    public static MessageDetail of(DriverException failure) {
        if (failure instanceof NoSpaceException) {
            return NO_SPACE;
        }
        if (failure instanceof TimedOutException) {
            return BACKEND_TIMEOUT;
        }
        return failure instanceof TransientDriverException ? BACKEND_UNREACHABLE : DRIVER_FAILED;
    }

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
