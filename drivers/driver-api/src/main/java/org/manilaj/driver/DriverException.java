package org.manilaj.driver;

/**
 * A backend operation failed. The message is for the operator's log (it may name hosts, paths and
 * command output); tenants only ever see a fixed, safe text chosen by the service.
 */
public class DriverException extends RuntimeException {
    public DriverException(String message) {
        super(message);
    }

    public DriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
