package org.manilaj.driver.linux;

import org.manilaj.driver.DriverException;

/** A command on a storage host failed, could not start, or timed out. */
public class CommandFailedException extends DriverException {
    public CommandFailedException(String message) {
        super(message);
    }

    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
