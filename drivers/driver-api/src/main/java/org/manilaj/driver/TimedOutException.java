package org.manilaj.driver;

/**
 * A backend command ran past its time limit and was stopped. Transient, but the service does not try again: a command
 * that hung once most likely hangs again, and each try would hold a worker for the whole limit.
 */
public class TimedOutException extends TransientDriverException {
    public TimedOutException(String message) {
        super(message);
    }

    public TimedOutException(String message, Throwable cause) {
        super(message, cause);
    }
}
