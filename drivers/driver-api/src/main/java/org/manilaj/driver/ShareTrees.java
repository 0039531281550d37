package org.manilaj.driver;

import java.util.List;

/**
 * A share's directory tree as archive streams (tar, POSIX format): what the file-level migration engine
 * relays between backends that cannot exchange snapshots. The tree is walked on the host itself, without
 * following any symbolic link, so a link a tenant planted cannot pull another file into the copy.
 */
public interface ShareTrees {

    /** The share's entries (files, directories, links, and FIFOs or devices a tenant made) and the host's clock now. */
    TreeListing list(ShareRef share);

    /**
     * Starts archiving the share: everything, or (when {@code changedSince} is not {@code null}) the files whose
     * contents or status changed at or after that host time in epoch seconds, and every directory.
     */
    ByteStream pack(ShareRef share, Long changedSince);

    /** Starts extracting an archive made by {@link #pack} into the share, keeping modes, times and links. */
    ByteStream unpack(ShareRef share);

    /** Removes the entries (relative paths from {@link #list}, never through a link) and what is below them. */
    void remove(ShareRef share, List<String> paths);

    /**
     * One entry: its type as {@code find} prints it ({@code f}, {@code d}, {@code l}, {@code p}...), size in
     * bytes, when its contents or status last changed (epoch seconds, host clock) and its path relative to
     * the share.
     */
    record TreeEntry(char type, long size, long changed, String path) {
    }

    /**
     * A listing, the host's clock when it was taken (epoch seconds: the cursor for the next pass) and the mode
     * of the share's top directory (octal, as {@code stat %a} prints it).
     */
    record TreeListing(long hostTime, String rootMode, List<TreeEntry> entries) {
        public TreeListing {
            entries = List.copyOf(entries);
        }
    }
}
