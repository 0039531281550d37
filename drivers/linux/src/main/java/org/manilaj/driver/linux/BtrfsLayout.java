package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.List;

/**
 * A share is a btrfs subvolume {@code <root>/<shareId>} whose qgroup limit is its size, so writing past
 * the size fails with "quota exceeded". NFS servers cannot export a subvolume that is not a mount
 * point, so each share is also mounted at {@code <export_root>/<shareId>} for export.
 */
final class BtrfsLayout implements StorageLayout {
    private static final long GIB = 1024L * 1024 * 1024;

    private final RemoteHost host;
    private final Duration timeout;
    private final String exportRoot;

    BtrfsLayout(RemoteHost host, Duration timeout, String exportRoot) {
        this.host = host;
        this.timeout = timeout;
        this.exportRoot = exportRoot;
    }

    /** Mounts the subvolume at its export path unless it is mounted already (the tail of {@link #CREATE}). */
    private static final String MOUNT = String.join("\n",
            "if ! mountpoint -q \"$mnt\"; then",
            "  id=$(btrfs inspect-internal rootid \"$dir\")",
            "  dev=$(findmnt -n -o SOURCE --target \"$root\")",
            "  mkdir -p \"$mnt\"",
            "  mount -o \"subvolid=$id\" \"${dev%%[*}\" \"$mnt\"",
            "fi");

    /**
     * Creates the subvolume (unless it exists), sets its limit and mounts it for export, in one remote
     * invocation: a fixed script, with every value passed as a separate argument, never pasted into it.
     */
    private static final String CREATE = String.join("\n",
            "set -e",
            "root=$1; dir=$2; mnt=$3; limit=$4",
            "btrfs subvolume show \"$dir\" >/dev/null 2>&1 || btrfs -q subvolume create \"$dir\"",
            "id=$(btrfs inspect-internal rootid \"$dir\")",
            "btrfs qgroup limit \"$limit\" \"0/$id\" \"$root\"",
            MOUNT);

    @Override
    public String create(ShareLocation share, int sizeGib) {
        String mountPoint = mountPoint(share);
        host.check(List.of("sh", "-c", CREATE, "create-share", share.root(), share.directory(), mountPoint,
                Long.toString(sizeGib * GIB)), timeout);
        return mountPoint;
    }

    /**
     * Unmounts (never {@code rm -r}: if the unmount had not happened, this must not touch the data),
     * deletes the subvolume with an immediate commit ({@code -c}; without it the cleaner, and so the
     * sync, waits for the next periodic commit, tens of seconds), waits for the cleaner and drops the
     * qgroup, so that nothing stays behind. One remote invocation; the values are arguments.
     */
    private static final String DELETE = String.join("\n",
            "set -e",
            "root=$1; dir=$2; mnt=$3",
            "if mountpoint -q \"$mnt\"; then umount \"$mnt\"; fi",
            "if [ -e \"$mnt\" ]; then rmdir -- \"$mnt\"; fi",
            "btrfs subvolume show \"$dir\" >/dev/null 2>&1 || exit 0",
            "id=$(btrfs inspect-internal rootid \"$dir\")",
            "btrfs -q subvolume delete -c \"$dir\"",
            "btrfs subvolume sync \"$root\" \"$id\" >/dev/null",
            "btrfs qgroup destroy \"0/$id\" \"$root\" 2>/dev/null || true");

    @Override
    public void delete(ShareLocation share) {
        host.check(List.of("sh", "-c", DELETE, "delete-share", share.root(), share.directory(), mountPoint(share)), timeout);
    }

    @Override
    public void resize(ShareLocation share, int sizeGib) {
        // The qgroup-id form: the path form fails while a share is over its limit.
        host.check(List.of("btrfs", "qgroup", "limit", (sizeGib * GIB) + "", "0/" + subvolumeId(share), share.root()),
                timeout);
    }

    /** Referenced bytes of the share's qgroup, after a sync so that recent writes count. */
    @Override
    public long usedBytes(ShareLocation share) {
        host.check(List.of("sync", "-f", share.directory()), timeout);
        String out = host.check(List.of("btrfs", "qgroup", "show", "-reF", "--raw", share.directory()), timeout).stdout();
        String qgroup = "0/" + subvolumeId(share);
        for (String line : out.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && fields[0].equals(qgroup)) {
                return Long.parseLong(fields[1]);
            }
        }
        throw new CommandFailedException(host.describe() + ": no qgroup " + qgroup + " in: " + out);
    }

    @Override
    public String exportPath(ShareLocation share) {
        String mountPoint = mountPoint(share);
        host.check(List.of("sh", "-c", "set -e\nroot=$1; dir=$2; mnt=$3\n" + MOUNT, "mount-share", share.root(),
                share.directory(), mountPoint), timeout);
        return mountPoint;
    }

    private String mountPoint(ShareLocation share) {
        return exportRoot + "/" + share.shareId();
    }

    private String subvolumeId(ShareLocation share) {
        String id = host.check(List.of("btrfs", "inspect-internal", "rootid", share.directory()), timeout).stdout().trim();
        if (!id.matches("\\d+")) {
            throw new CommandFailedException(host.describe() + ": unexpected subvolume id '" + id + "'");
        }
        return id;
    }

}
