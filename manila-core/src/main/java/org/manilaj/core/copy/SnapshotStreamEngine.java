package org.manilaj.core.copy;

import java.time.Duration;
import java.util.Optional;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSnapshots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot engine (btrfs to btrfs): each pass takes a read-only snapshot of the source and relays its
 * stream, the difference from the previous pass's snapshot after the first, from the source host's
 * {@code send} into the destination host's {@code receive} through this process, so hosts need no trust
 * between them and every byte is counted. The last snapshot both sides hold is the cursor for the next
 * pass (the cursor: its name, which may be of another chain, e.g. after a replica's promotion swapped the
 * direction); at the end the destination share is made from the last one received, or for a replica brought to
 * it after every pass. Snapshots keep everything (owners, modes, times, extended attributes, links),
 * consistent to one instant.
 */
public final class SnapshotStreamEngine implements CopyEngine {
    public static final String NAME = "snapshot_stream";
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStreamEngine.class);

    @Override
    public String name() {
        return NAME;
    }

    /** {@code <share>@<chain>-<pass>}: the host scripts accept no other shape. */
    static String snapshotName(CopyEnds ends, ShareRef share, int pass) {
        return prefix(ends, share) + pass;
    }

    private static String prefix(CopyEnds ends, ShareRef share) {
        return share.shareId() + "@" + ends.chain() + "-";
    }

    @Override
    public boolean copiesIntoDestinationShare() {
        return false; // it receives snapshots; the share is made from the last one by finish()
    }

    @Override
    public void prepare(CopyEnds ends) {
        clean(ends);
        // a share of this id on the destination is never the share's data yet (it lives on the source)
        ends.destination().driver().delete(ends.destinationRef());
    }

    @Override
    public CopyPass copy(CopyEnds ends, int pass, boolean last, String cursor, PassControl control) {
        long started = System.nanoTime();
        ShareSnapshots from = snapshots(ends.source());
        ShareSnapshots to = snapshots(ends.destination());
        ShareRef source = ends.sourceRef();
        String name = snapshotName(ends, source, pass);
        from.create(source, name); // taken again if an attempt cut short left one: a pass sends what is there now
        long snapshotted = System.nanoTime();
        String parent = parent(ends, pass, cursor);
        if (parent != null && !(from.list(source).contains(parent) && to.list(ends.destinationRef()).contains(parent))) {
            LOG.warn("share {}: snapshot {} is not on both sides any more; pass {} sends everything", source.shareId(), parent,
                    pass);
            parent = null;
        }
        long total = from.usedBytes(source); // the full stream's size, near enough; an upper bound for a difference
        control.total(total);
        long measured = System.nanoTime();
        String finalParent = parent;
        long copied = StreamRelay.relay(() -> from.send(source, name, finalParent),
                () -> to.receive(ends.destinationRef(), name), control);
        LOG.debug("share {}: pass {}: snapshot {} ms, checks {} ms, stream {} ms", source.shareId(), pass,
                (snapshotted - started) / 1_000_000, (measured - snapshotted) / 1_000_000,
                (System.nanoTime() - measured) / 1_000_000);
        return new CopyPass(copied, copied, Math.max(total, copied), 0, -1, Duration.ofNanos(System.nanoTime() - started),
                name, null);
    }

    /** The snapshot the pass sends the difference from: the cursor, else the pass before's (none for the first). */
    private static String parent(CopyEnds ends, int pass, String cursor) {
        if (cursor != null) {
            return ShareSnapshots.checkName(ends.sourceRef(), cursor);
        }
        return pass > 1 ? snapshotName(ends, ends.sourceRef(), pass - 1) : null;
    }

    /** The snapshot the pass started from is no longer the cursor on either side. */
    @Override
    public void passRecorded(CopyEnds ends, int pass, String previousCursor) {
        String previous = parent(ends, pass, previousCursor);
        if (previous != null && !previous.equals(snapshotName(ends, ends.sourceRef(), pass))) {
            try {
                snapshots(ends.source()).delete(ends.sourceRef(), previous);
                snapshots(ends.destination()).delete(ends.destinationRef(), previous);
            } catch (DriverException e) {
                LOG.warn("share {}: snapshot {} stays until the copy is cleaned up: {}", ends.share().id(), previous, e.getMessage());
            }
        }
    }

    @Override
    public Optional<ShareExport> refreshDestination(CopyEnds ends, String cursor) {
        return Optional.of(snapshots(ends.destination()).restore(ends.destinationRef(),
                ShareSnapshots.checkName(ends.destinationRef(), cursor)));
    }

    @Override
    public void sealSource(CopyEnds ends, boolean readOnly) {
        snapshots(ends.source()).setReadOnly(ends.sourceRef(), readOnly);
    }

    @Override
    public ShareExport finish(CopyEnds ends, int lastPass, CopyPass last) {
        return snapshots(ends.destination()).adopt(ends.destinationRef(), snapshotName(ends, ends.destinationRef(), lastPass));
    }

    @Override
    public void clean(CopyEnds ends) {
        clean(ends.source(), ends.sourceRef(), prefix(ends, ends.sourceRef()));
        clean(ends.destination(), ends.destinationRef(), prefix(ends, ends.destinationRef()));
    }

    private static void clean(BackendRegistry.PoolEntry pool, ShareRef share, String prefix) {
        ShareSnapshots snapshots = snapshots(pool);
        for (String name : snapshots.list(share)) {
            if (name.startsWith(prefix)) {
                snapshots.delete(share, name);
            }
        }
    }

    private static ShareSnapshots snapshots(BackendRegistry.PoolEntry pool) {
        return pool.driver().snapshots()
                .orElseThrow(() -> new DriverException("backend of " + pool.fullName() + " cannot snapshot any more"));
    }
}
