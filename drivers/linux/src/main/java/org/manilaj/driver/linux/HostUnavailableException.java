package org.manilaj.driver.linux;

import org.manilaj.driver.TransientDriverException;

/**
 * The storage host could not be asked (connection refused, reset or timed out; no free session) or a
 * command ran past its timeout and was killed: worth retrying, unlike a command that ran and failed.
 */
public class HostUnavailableException extends TransientDriverException {
    public HostUnavailableException(String message) {
        super(message);
    }

    public HostUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
