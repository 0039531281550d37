package org.manilaj.api;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One writer at a time, across every connection of the process. Re-entrant for the thread that holds
 * it (a nested handle on the same thread does not wait for itself), and released by whichever thread
 * ends the transaction that took it.
 */
final class WriteGate {
    private final Semaphore permit = new Semaphore(1, true);
    private final long timeoutMillis;
    private Thread owner; // guarded by this
    private int holds; // guarded by this
    private long heldSinceNanos; // guarded by this

    WriteGate(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /** False when another writer kept it for longer than the timeout. */
    boolean enter() throws InterruptedException {
        synchronized (this) {
            if (owner == Thread.currentThread()) {
                holds++;
                return true;
            }
        }
        if (!permit.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
            return false;
        }
        synchronized (this) {
            owner = Thread.currentThread();
            holds = 1;
            heldSinceNanos = System.nanoTime();
        }
        return true;
    }

    void leave() {
        synchronized (this) {
            if (--holds > 0) {
                return;
            }
            owner = null;
        }
        permit.release();
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    /** Who holds the gate and for how long, for the message of a writer that gave up waiting. */
    synchronized String holder() {
        return owner == null ? "nobody now"
                : "thread " + owner.getName() + ", for " + (System.nanoTime() - heldSinceNanos) / 1_000_000 + " ms";
    }
}
