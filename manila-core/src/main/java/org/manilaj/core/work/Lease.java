package org.manilaj.core.work;

import java.time.Clock;
import org.jdbi.v3.core.Handle;
import org.manilaj.core.events.ShareEvents;

/**
 * This process's lease on one running operation. Every transaction that records a step of the
 * operation goes through {@link #hold}, which proves the lease is still ours and locks the operation's
 * row until that transaction ends; a step whose lease was lost records nothing.
 */
public final class Lease {
    private final Operation operation;
    private final String owner;
    private final Clock clock;
    private final StepTimes steps;
    /** Set once a transaction that removed the operation committed: the run need not look for it again. */
    private volatile boolean removed;

    Lease(Operation operation, String owner, Clock clock, StepTimes steps) {
        this.operation = operation;
        this.owner = owner;
        this.clock = clock;
        this.steps = steps;
    }

    /** Ends the run's step named {@code step} now, for the operation's timings (see {@link OperationTimings}). */
    public void lap(String step) {
        steps.lap(step);
    }

    public Operation operation() {
        return operation;
    }

    public String owner() {
        return owner;
    }

    /** In the caller's transaction: records {@code phase}; false when another process took the lease. */
    public boolean hold(Handle handle, String phase, int progress) {
        return handle.attach(LeaseDao.class).advance(operation.id(), owner, phase, progress, clock.instant()) == 1;
    }

    /**
     * In the caller's transaction (a transaction is required: the run learns that its operation is gone only once
     * it commits): ends the operation. False when the lease was lost, or when an access change was queued after
     * this run read the rules (the operation then stays, for another round).
     */
    public boolean finish(Handle handle) {
        return finish(handle, false);
    }

    /**
     * As {@link #finish}, for an operation that failed or was refused whatever status it leaves (a refused extend
     * leaves the share available): its event is {@code .error}.
     */
    public boolean finishFailed(Handle handle) {
        return finish(handle, true);
    }

    private boolean finish(Handle handle, boolean failed) {
        if (handle.attach(LeaseDao.class).finish(operation.id(), owner, operation.generation()) == 1) {
            ended(handle, failed);
            handle.afterCommit(() -> removed = true);
            return true;
        }
        keepForAnotherRound(handle);
        return false;
    }

    /** In the caller's transaction: the operation stays for another round, and this one does not count as failed. */
    public void keepForAnotherRound(Handle handle) {
        handle.attach(LeaseDao.class).resetAttempts(operation.id(), owner);
    }

    /**
     * In the caller's transaction: ends the operation, or, when access changes were queued on it meanwhile,
     * turns it into the access sync that applies them (the runner goes round once more).
     */
    public void finishOrHandOverToAccessSync(Handle handle) {
        if (!finish(handle) && handle.attach(LeaseDao.class).becomeAccessSync(operation.id(), owner, clock.instant()) == 1) {
            ended(handle, false); // this operation's work is done; the access sync it became tells of its own end
        }
    }

    /** In the caller's transaction: ends the operation for good, even with work queued on it; false when the lease was lost. */
    public boolean end(Handle handle) {
        if (handle.attach(LeaseDao.class).end(operation.id(), owner) == 1) {
            ended(handle, false);
            handle.afterCommit(() -> removed = true);
            return true;
        }
        return false;
    }

    /** Whether this run removed the operation (it finished or ended it, and that was committed). */
    boolean removed() {
        return removed;
    }

    /** The operation's event, in the transaction that ends it (with the share's new state). */
    private void ended(Handle handle, boolean failed) {
        ShareEvents.operationEnded(handle, operation.shareId(), operation.kind().wireName(), failed, clock.instant());
    }

    /** The operation's lease went to another process (ours expired): this run stops and records nothing more. */
    public static final class LeaseLostException extends RuntimeException {
        public LeaseLostException(Operation operation) {
            super("lost the lease of " + operation.kind().wireName() + " operation " + operation.id()
                    + " of share " + operation.shareId());
        }
    }
}
