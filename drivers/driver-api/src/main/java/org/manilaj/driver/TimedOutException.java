package org.manilaj.driver;

/**
 * A backend command ran past its time limit. Transient, but the service does not try again: a command that hung once
 * most likely hangs again, and each try would hold a worker for the whole limit. {@link #stopped()}: the host
 * confirmed the command was stopped; otherwise the host gave no answer and the command may still be running.
 */
public class TimedOutException extends TransientDriverException {
    private final boolean stopped;

    public TimedOutException(String message, boolean stopped) {
        super(message);
        this.stopped = stopped;
    }

    public boolean stopped() {
        return stopped;
    }
}
