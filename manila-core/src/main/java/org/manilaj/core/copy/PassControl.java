package org.manilaj.core.copy;

/** What a copy pass tells the node running it, and how that node stops the pass. */
public interface PassControl {

    /** The pass's total bytes, as soon as the engine knows it (before its stream starts). */
    void total(long bytes);

    /** The bytes copied so far in the pass; throws when the pass must stop (cancelled, lease lost, stalled). */
    void progress(long bytes);

    /** {@code stream} is closed at once when the pass must stop, which ends a read or write blocked on it. */
    void closeOnStop(AutoCloseable stream);
}
