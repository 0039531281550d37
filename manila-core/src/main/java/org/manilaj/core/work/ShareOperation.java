package org.manilaj.core.work;

import org.manilaj.core.share.Share;

/**
 * One kind of share operation, run by the {@link OperationRunner} under its lease. A run is a sequence
 * of explicit steps; each recorded step checks the lease and records the operation's phase, and the
 * last one ends the operation in the same transaction as the share's new state. Operations record a
 * phase only where they write anyway: each commit is a synchronous write. Steps must be safe to redo: a run cut short by a crash is
 * run again from the start, and drivers are idempotent.
 */
public interface ShareOperation {
    OperationKind kind();

    void run(Share share, Lease lease);

    /**
     * Ends the operation for good, as a failure the tenant sees (an error status and a message): it was
     * started too many times without finishing (a process died in it, or it failed unexpectedly, each time).
     */
    void abandon(Share share, Lease lease);
}
