package org.manilaj.core.copy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareTrees;
import org.manilaj.driver.ShareTrees.TreeEntry;
import org.manilaj.driver.ShareTrees.TreeListing;

/**
 * The file-level engine between hosts (over SSH or on this machine, any layouts): each pass relays an archive
 * of the source tree, made on the source host, into an extract on the destination host, through this process.
 * The first pass sends everything; each later one the files whose contents or status changed since the pass
 * before began (the source host's clock, less a second), and every directory, unless the listings show a
 * file this would miss (then everything again); entries gone from the source, or whose type changed, are
 * removed from the destination first. Modes, times and links are kept; owners (by number) only when the
 * destination extracts as root; extended attributes not.
 *
 * <p>Both hosts walk their trees themselves, never following a link, so nothing outside the share can be
 * read or removed; the destination is not exported while it is written, so no tenant changes it meanwhile.
 */
public final class TreeStreamEngine implements CopyEngine {
    public static final String NAME = "tree_stream";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TreeStreamEngine.class);
    /** A change stamped by the host's coarse clock may read up to a tick before the pass that saw it began. */
    private static final long CLOCK_MARGIN_SECONDS = 1;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void prepare(CopyEnds ends) {
        ends.createDestination(null); // an earlier attempt's files stay: the first pass rewrites them all
    }

    @Override
    public CopyPass copy(CopyEnds ends, int pass, boolean last, String cursor, PassControl control) {
        long started = System.nanoTime();
        ShareTrees from = trees(ends.source());
        ShareTrees to = trees(ends.destination());
        ShareRef source = ends.sourceRef();
        ShareRef destination = ends.destinationRef();
        TreeListing sourceTree = from.list(source);
        TreeListing destinationTree = to.list(destination);
        to.remove(destination, stale(sourceTree, destinationTree));
        Long since = cursor == null ? null : Long.parseLong(cursor) - CLOCK_MARGIN_SECONDS;
        if (since != null && missedByTime(sourceTree, destinationTree, since)) {
            // e.g. a directory renamed: its files kept their times, so only a full pass brings them
            LOG.info("share {}: pass {} sends everything: the destination lacks files older than the last pass",
                    source.shareId(), pass);
            since = null;
        }
        long total = 0;
        long changed = 0;
        int files = 0;
        int filesChanged = 0;
        for (TreeEntry entry : sourceTree.entries()) {
            if (entry.type() == 'f') {
                files++;
                total += entry.size();
                if (since == null || entry.changed() >= since) {
                    filesChanged++;
                    changed += entry.size();
                }
            }
        }
        control.total(total);
        Long changedSince = since;
        long copied = StreamRelay.relay(() -> from.pack(source, changedSince), () -> to.unpack(destination), control);
        return new CopyPass(copied, changed, total, filesChanged, files, Duration.ofNanos(System.nanoTime() - started),
                Long.toString(sourceTree.hostTime()), sourceTree.rootMode());
    }

    /**
     * Whether the destination lacks (or holds at another size or type) a file or link of the source that a pass
     * by time would not send, because it changed before {@code since}: the files of a renamed directory, or any
     * after the source host's clock was set back.
     */
    static boolean missedByTime(TreeListing source, TreeListing destination, long since) {
        Map<String, TreeEntry> held = new HashMap<>();
        destination.entries().forEach(entry -> held.put(entry.path(), entry));
        for (TreeEntry entry : source.entries()) {
            if ((entry.type() == 'f' || entry.type() == 'l') && entry.changed() < since) {
                TreeEntry copy = held.get(entry.path());
                if (copy == null || copy.type() != entry.type() || (entry.type() == 'f' && copy.size() != entry.size())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * What the destination holds that the source does not, or holds as another type (a file now a
     * directory): the topmost such entries only, since removing them removes what is below.
     */
    static List<String> stale(TreeListing source, TreeListing destination) {
        Map<String, Character> types = new HashMap<>();
        source.entries().forEach(entry -> types.put(entry.path(), entry.type()));
        Set<String> removed = new HashSet<>();
        List<String> stale = new ArrayList<>();
        for (TreeEntry entry : destination.entries()) {
            if (underAny(entry.path(), removed)) {
                continue;
            }
            Character type = types.get(entry.path());
            if (type == null || type != entry.type()) {
                removed.add(entry.path());
                stale.add(entry.path());
            }
        }
        return stale;
    }

    private static boolean underAny(String path, Set<String> removed) {
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            if (removed.contains(path.substring(0, slash))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The share exists (the passes filled it): the create returns its export, and gives its top directory the
     * source's mode again (a create sets its mode), without set-id bits, which a create cannot set.
     */
    @Override
    public ShareExport finish(CopyEnds ends, int lastPass, CopyPass last) {
        // the last pass's listing, taken with the source read-only: no second walk of the tree in the cut-over
        return ends.createDestination(String.format("%04o", Integer.parseInt(last.rootMode(), 8) & 01777));
    }


    private static ShareTrees trees(BackendRegistry.PoolEntry pool) {
        return pool.driver().trees()
                .orElseThrow(() -> new DriverException("backend of " + pool.fullName() + " cannot archive its shares"));
    }
}
