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

    @Override
    public void create(ShareLocation share, int sizeGib) {
        if (!exists(share)) {
            host.check(List.of("btrfs", "-q", "subvolume", "create", share.directory()), timeout);
        }
        resize(share, sizeGib);
    }

    @Override
    public void delete(ShareLocation share) {
        releaseExportPath(share);
        if (!exists(share)) {
            return;
        }
        String id = subvolumeId(share);
        // Commit at once (-c): without it the cleaner, and so the sync below, waits for the next
        // periodic commit (tens of seconds).
        host.check(List.of("btrfs", "-q", "subvolume", "delete", "-c", share.directory()), timeout);
        // Wait for the cleaner so that the subvolume's qgroup goes too: nothing stays behind.
        host.check(List.of("btrfs", "subvolume", "sync", share.root(), id), timeout);
        host.run(List.of("btrfs", "qgroup", "destroy", "0/" + id, share.root()), timeout);
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
        if (!host.run(List.of("mountpoint", "-q", mountPoint), timeout).succeeded()) {
            host.check(List.of("mkdir", "-p", mountPoint), timeout);
            host.check(List.of("mount", "-o", "subvolid=" + subvolumeId(share), device(share), mountPoint), timeout);
        }
        return mountPoint;
    }

    @Override
    public void releaseExportPath(ShareLocation share) {
        String mountPoint = mountPoint(share);
        if (host.run(List.of("mountpoint", "-q", mountPoint), timeout).succeeded()) {
            host.check(List.of("umount", mountPoint), timeout);
        }
        // rmdir, never rm -r: if the unmount had not happened, this must not touch the share's data
        if (host.run(List.of("test", "-e", mountPoint), timeout).succeeded()) {
            host.check(List.of("rmdir", "--", mountPoint), timeout);
        }
    }

    private String mountPoint(ShareLocation share) {
        return exportRoot + "/" + share.shareId();
    }

    private boolean exists(ShareLocation share) {
        return host.run(List.of("btrfs", "subvolume", "show", share.directory()), timeout).succeeded();
    }

    private String subvolumeId(ShareLocation share) {
        String id = host.check(List.of("btrfs", "inspect-internal", "rootid", share.directory()), timeout).stdout().trim();
        if (!id.matches("\\d+")) {
            throw new CommandFailedException(host.describe() + ": unexpected subvolume id '" + id + "'");
        }
        return id;
    }

    /** The block device holding the storage root ({@code findmnt} may append {@code [/subvolume]}). */
    private String device(ShareLocation share) {
        String source = host.check(List.of("findmnt", "-n", "-o", "SOURCE", "--target", share.root()), timeout).stdout().trim();
        int bracket = source.indexOf('[');
        return bracket > 0 ? source.substring(0, bracket) : source;
    }
}
