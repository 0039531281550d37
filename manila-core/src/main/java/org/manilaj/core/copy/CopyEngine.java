package org.manilaj.core.copy;

import org.manilaj.driver.ShareExport;

/**
 * How a share's data is copied between two backends, by a migration or a replica's sync. A migration records
 * the engine it started with, so a restarted service carries on with the same one. Every step may be
 * repeated after a crash: it converges, and a pass cut short is redone from its start.
 */
public interface CopyEngine {

    /** The name recorded in the migration's row. */
    String name();

    /** Before the first pass: the destination made ready, anything an earlier attempt left there removed. */
    void prepare(CopyEnds ends);

    /**
     * Copy pass number {@code pass} (from 1), from {@code cursor} (what the pass before returned, {@code null}
     * before the first); {@code last} runs with the source read-only. {@code control} hears the pass's total
     * and the bytes copied so far, may throw to stop it, and closes its streams when it must stop.
     */
    CopyPass copy(CopyEnds ends, int pass, boolean last, String cursor, PassControl control);

    /**
     * After pass {@code pass} is recorded: what only the passes before it needed may go; {@code previousCursor}
     * is the cursor the pass started from.
     */
    default void passRecorded(CopyEnds ends, int pass, String previousCursor) {
    }

    /**
     * For a replica, after a pass that returned {@code cursor} and before it is recorded (a crash redoes both):
     * the destination share holds what the pass copied, made when it does not exist yet, its access unchanged;
     * the share's export when the engine made or changed the share, empty when it copies straight into the
     * share and has nothing to do.
     */
    default java.util.Optional<ShareExport> refreshDestination(CopyEnds ends, String cursor) {
        return java.util.Optional.empty();
    }

    /**
     * Whether passes write into the destination share itself (rather than into snapshots the share is made from at the
     * end): then nobody may have access to it while they run.
     */
    default boolean copiesIntoDestinationShare() {
        return true;
    }

    /** Stops (or allows again) writes to the source's data itself, beyond its exports. */
    default void sealSource(CopyEnds ends, boolean readOnly) {
    }

    /** After the last pass {@code lastPass}: the destination share whole, published with no access yet. */
    ShareExport finish(CopyEnds ends, int lastPass, CopyPass last);

    /** Removes what the engine made besides the two shares (snapshots); after success, cancel or failure. */
    default void clean(CopyEnds ends) {
    }
}
