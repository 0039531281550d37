package org.manilaj.core.work;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The shares this process has submitted or is running. A submit that arrives while its share runs is
 * not dropped: the run goes round once more before it lets go of the share, so work recorded just as
 * the previous run ended (an access rule allowed the moment an extend finished) never waits for the
 * periodic reconcile.
 */
final class InFlightShares {
    /** Share id → whether another submit came while it ran. */
    private final ConcurrentHashMap<String, Boolean> shares = new ConcurrentHashMap<>();

    /** True when the caller must start a run; false when one is under way (it will go round again). */
    boolean enter(String shareId) {
        boolean[] started = {false};
        shares.compute(shareId, (id, again) -> {
            started[0] = again == null;
            return again != null;
        });
        return started[0];
    }

    /**
     * Called as a pass over the share begins: submits that came before it are served by it (each came after
     * its work was committed), so only later ones need another pass.
     */
    void beginPass(String shareId) {
        shares.replace(shareId, Boolean.FALSE);
    }

    /**
     * Called by a run that is done: true when a submit came meanwhile, and the run must go again (the
     * share stays in flight); false when the share is let go.
     */
    boolean goAgain(String shareId) {
        return shares.computeIfPresent(shareId, (id, again) -> again ? Boolean.FALSE : null) != null;
    }

    /** Lets go of the share whatever was asked meanwhile (a run that could not start, or died). */
    void forget(String shareId) {
        shares.remove(shareId);
    }

    boolean contains(String shareId) {
        return shares.containsKey(shareId);
    }
}
