package org.manilaj.csi.controller;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.manilaj.csi.CsiErrors;

/**
 * Waits, bounded, for the service to finish asynchronous work. The pause between polls grows with the
 * time waited (a tenth of it, from 4 ms up to half a second), so a local create that takes 20 ms is
 * seen within a few milliseconds, and a long wait costs the service a few requests a second.
 */
final class Poller {
    /** Not shorter: fifty CreateVolume calls at once would otherwise poll the service thousands of times a second. */
    private static final long MIN_PAUSE_MILLIS = 4;
    private static final long MAX_PAUSE_MILLIS = 500;

    private final Duration timeout;

    Poller(Duration timeout) {
        this.timeout = timeout;
    }

    /** Calls {@code check} until it returns a value; DEADLINE_EXCEEDED naming {@code what} after the timeout. */
    <T> T await(String what, Supplier<Optional<T>> check) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        while (true) {
            Optional<T> result = check.get();
            if (result.isPresent()) {
                return result.get();
            }
            if (System.nanoTime() > deadline) {
                throw CsiErrors.deadline("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; the request can be retried");
            }
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            try {
                Thread.sleep(Math.max(MIN_PAUSE_MILLIS, Math.min(MAX_PAUSE_MILLIS, waitedMillis / 10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CsiErrors.aborted("interrupted while waiting for " + what);
            }
        }
    }
}
