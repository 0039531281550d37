package org.manilaj.driver.linux;

import org.manilaj.driver.TransientDriverException;

/**
 * The storage host could not be asked (connection refused, reset or timed out; no free session): worth retrying,
 * unlike a command that ran and failed (or one that ran past its time limit: {@link org.manilaj.driver.TimedOutException}).
 */
public class HostUnavailableException extends TransientDriverException {
    public HostUnavailableException(String message) {
        super(message);
    }

    public HostUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
