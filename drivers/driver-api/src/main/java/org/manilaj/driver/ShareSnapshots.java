package org.manilaj.driver;

import java.util.List;

/**
 * A backend's point-in-time snapshots of a share and the byte streams that move them to another backend of
 * the same {@link #format()} (btrfs send and receive): the port the snapshot-stream migration engine drives.
 * Snapshots live in a namespace the service owns; {@code name} is always {@code <shareId>@<purpose>-<number>},
 * checked here and again by the host's scripts. Every mutating method is idempotent.
 */
public interface ShareSnapshots {

    /** What the streams carry; two backends exchange snapshots only when theirs are equal (e.g. {@code btrfs}). */
    String format();

    /**
     * A read-only snapshot of the share's current contents; one of that name left by an attempt cut short is
     * taken again (it is older than the share now).
     */
    void create(ShareRef share, String name);

    /** Removes the snapshot; removing one that does not exist succeeds. */
    void delete(ShareRef share, String name);

    /** The names of the share's snapshots in the service's namespace, on this backend. */
    List<String> list(ShareRef share);

    /**
     * Starts streaming snapshot {@code name}, as the difference from {@code parent} when that is not
     * {@code null} (the receiving side must hold {@code parent} already).
     */
    ByteStream send(ShareRef share, String name, String parent);

    /**
     * Starts receiving a stream made by {@link #send} into snapshot {@code name}; a snapshot of that name
     * left by an earlier, cut-short receive is removed first (it is never trusted).
     */
    ByteStream receive(ShareRef share, String name);

    /**
     * Makes the share itself (writable, with its size limit and exportable) from received snapshot
     * {@code name}, unless the share exists already; then publishes it with no access, as a create does.
     */
    ShareExport adopt(ShareRef share, String name);

    /**
     * Makes the share's files what received snapshot {@code name} holds, in place, so that its export and the
     * file handles of clients reading it stay valid (a replica refreshed after each sync); a share that does
     * not exist yet is made from the snapshot, as {@link #adopt} does, sharing its blocks. Mounts it with no
     * limit (a secondary holds what the active's limit let in), and changes no access: returns where the share
     * is exported once it has some.
     */
    ShareExport restore(ShareRef share, String name);

    /**
     * Makes the share exactly received snapshot {@code name} (writable, sharing the snapshot's blocks), whatever
     * it held: its old data and its export go (its clients have no access until it is exported again, and must
     * mount it again), and it gets its limit. For a promoted replica, whose next copies back to the old active
     * then start from that snapshot.
     */
    ShareExport replace(ShareRef share, String name);

    /** Makes the share's own data read-only (or writable again), whatever its exports say. */
    void setReadOnly(ShareRef share, boolean readOnly);

    /** Bytes the share's data uses now: the size of a full stream, near enough to report progress against. */
    long usedBytes(ShareRef share);

    /** Checks a snapshot name: the share's id, an {@code @}, a lower-case purpose, a dash and a number. */
    static String checkName(ShareRef share, String name) {
        if (name == null || !name.matches(java.util.regex.Pattern.quote(share.shareId()) + "@[a-z]{1,16}-[0-9]{1,9}")) {
            throw new IllegalArgumentException("invalid snapshot name " + name + " for share " + share.shareId());
        }
        return name;
    }
}
