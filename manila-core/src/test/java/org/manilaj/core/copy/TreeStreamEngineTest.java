package org.manilaj.core.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.manilaj.driver.ShareTrees.TreeEntry;
import org.manilaj.driver.ShareTrees.TreeListing;

/** How the archive-stream engine decides what to remove and whether a pass by time would miss something. */
class TreeStreamEngineTest {
    private static final long SINCE = 1_000;

    @Test
    void onlyTheTopmostEntryGoneOrOfAnotherTypeIsRemoved() {
        TreeListing source = listing(entry('d', "a"), entry('f', "a/kept"), entry('d', "b"));
        TreeListing destination = listing(entry('d', "a"), entry('f', "a/kept"), entry('d', "a/gone"),
                entry('f', "a/gone/x"), entry('f', "b"), entry('d', "old"), entry('f', "old/y"), entry('f', "old-y"));
        assertThat(TreeStreamEngine.stale(source, destination)).containsExactly("a/gone", "b", "old", "old-y");
    }

    /** A directory renamed since the last pass: its files kept their times, so a pass by time would leave it empty. */
    @Test
    void filesOfARenamedDirectoryCallForAFullPass() {
        TreeListing destination = listing(entry('d', "old"), entry('f', "old/f", 5, SINCE - 100));
        TreeListing renamed = listing(entry('d', "new", 0, SINCE + 5), entry('f', "new/f", 5, SINCE - 100));
        assertThat(TreeStreamEngine.missedByTime(renamed, destination, SINCE)).isTrue();

        TreeListing unchanged = listing(entry('d', "old"), entry('f', "old/f", 5, SINCE - 100));
        assertThat(TreeStreamEngine.missedByTime(unchanged, destination, SINCE)).isFalse();
        TreeListing rewritten = listing(entry('d', "old"), entry('f', "old/f", 9, SINCE + 1));
        assertThat(TreeStreamEngine.missedByTime(rewritten, destination, SINCE)).as("sent by time anyway").isFalse();
        TreeListing clockSetBack = listing(entry('d', "old"), entry('f', "old/f", 9, SINCE - 50));
        assertThat(TreeStreamEngine.missedByTime(clockSetBack, destination, SINCE)).isTrue();
    }

    private static TreeEntry entry(char type, String path) {
        return entry(type, path, 0, SINCE - 10);
    }

    private static TreeEntry entry(char type, String path, long size, long changed) {
        return new TreeEntry(type, size, changed, path);
    }

    private static TreeListing listing(TreeEntry... entries) {
        return new TreeListing(SINCE + 10, "755", List.of(entries));
    }
}
