package org.manilaj.driver;

/**
 * A backend operation failed for a reason that may pass by itself: the host refused or dropped the
 * connection, or a command ran past its timeout. The service retries such failures with backoff
 * before it gives up on the operation.
 */
public class TransientDriverException extends DriverException {
    public TransientDriverException(String message) {
        super(message);
    }

    public TransientDriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
