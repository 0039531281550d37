package org.manilaj.csi.controller;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.manilaj.csi.CsiErrors;

/**
 * Waits, bounded, for the service to finish asynchronous work: polls fast at first (a local create takes
 * milliseconds) and backs off to half a second.
 */
final class Poller {
    private final Duration timeout;

    Poller(Duration timeout) {
        this.timeout = timeout;
    }

    /** Calls {@code check} until it returns a value; DEADLINE_EXCEEDED naming {@code what} after the timeout. */
    <T> T await(String what, Supplier<Optional<T>> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 2;
        while (true) {
            Optional<T> result = check.get();
            if (result.isPresent()) {
                return result.get();
            }
            if (System.nanoTime() > deadline) {
                throw CsiErrors.deadline("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; the request can be retried");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CsiErrors.aborted("interrupted while waiting for " + what);
            }
            pause = Math.min(500, pause * 2);
        }
    }
}
