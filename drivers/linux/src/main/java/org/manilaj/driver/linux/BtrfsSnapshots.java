package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.manilaj.driver.ByteStream;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSnapshots;

/**
 * Snapshots of btrfs shares as read-only subvolumes {@code <root>/.manila-snapshots/<share>@<purpose>-<n>},
 * moved with {@code btrfs send} and {@code btrfs receive}; every step is one of {@link HostScripts}' fenced
 * scripts, so it works the same as root or under sudo.
 */
final class BtrfsSnapshots implements ShareSnapshots {
    /** A stream moves a whole share: it may take hours, and is cancelled by closing it, not by this limit. */
    static final Duration STREAM_TIMEOUT = Duration.ofHours(24);
    private static final long GIB = 1024L * 1024 * 1024;

    private final RemoteHost host;
    private final Duration timeout;
    private final BtrfsLayout layout;
    private final ExportHelper exports;
    private final Function<ShareRef, ShareLocation> locate;

    BtrfsSnapshots(RemoteHost host, Duration timeout, BtrfsLayout layout, ExportHelper exports,
                   Function<ShareRef, ShareLocation> locate) {
        this.host = host;
        this.timeout = timeout;
        this.layout = layout;
        this.exports = exports;
        this.locate = locate;
    }

    @Override
    public String format() {
        return "btrfs";
    }

    @Override
    public void create(ShareRef share, String name) {
        host.check(script(HostScripts.SNAPSHOT_SHARE, share, ShareSnapshots.checkName(share, name)), timeout);
    }

    @Override
    public void delete(ShareRef share, String name) {
        host.check(script(HostScripts.DELETE_SNAPSHOT, share, ShareSnapshots.checkName(share, name)), timeout);
    }

    @Override
    public List<String> list(ShareRef share) {
        String out = host.check(script(HostScripts.LIST_SNAPSHOTS, share), timeout).stdout();
        return out.lines().filter(line -> !line.isBlank()).map(name -> ShareSnapshots.checkName(share, name)).toList();
    }

    @Override
    public ByteStream send(ShareRef share, String name, String parent) {
        ShareSnapshots.checkName(share, name);
        if (parent != null) {
            ShareSnapshots.checkName(share, parent);
        }
        return host.start(script(HostScripts.SEND_SNAPSHOT, share, name, parent == null ? "" : parent), STREAM_TIMEOUT);
    }

    @Override
    public ByteStream receive(ShareRef share, String name) {
        return host.start(script(HostScripts.RECEIVE_SNAPSHOT, share, ShareSnapshots.checkName(share, name)), STREAM_TIMEOUT);
    }

    @Override
    public ShareExport adopt(ShareRef share, String name) {
        String mountPoint = fromSnapshot(HostScripts.ADOPT_SNAPSHOT, share, name, timeout);
        exports.export(share.shareId(), mountPoint, List.of());
        return new ShareExport(List.of(exports.location(mountPoint)));
    }

    /** Its own timeout: copying what a sync changed into the share may take as long as the stream did. */
    @Override
    public ShareExport restore(ShareRef share, String name) {
        return new ShareExport(List.of(exports.location(fromSnapshot(HostScripts.RESTORE_SNAPSHOT, share, name,
                STREAM_TIMEOUT))));
    }

    @Override
    public ShareExport replace(ShareRef share, String name) {
        exports.unexport(share.shareId()); // Ganesha lets go of the old subvolume, so that it can be unmounted
        return new ShareExport(List.of(exports.location(fromSnapshot(HostScripts.REPLACE_FROM_SNAPSHOT, share, name,
                timeout))));
    }

    /** Runs a script that makes the share from snapshot {@code name}, with its limit; returns its mount point. */
    private String fromSnapshot(String script, ShareRef share, String name, Duration limit) {
        ShareLocation location = locate.apply(share);
        String mountPoint = layout.mountPoint(location);
        host.check(HostScripts.argv(script, location.root(), location.directory(), mountPoint,
                Long.toString(share.sizeGib() * GIB), ShareSnapshots.checkName(share, name)), limit);
        return mountPoint;
    }

    @Override
    public void setReadOnly(ShareRef share, boolean readOnly) {
        host.check(script(HostScripts.SET_READONLY, share, Boolean.toString(readOnly)), timeout);
    }

    @Override
    public long usedBytes(ShareRef share) {
        return layout.usedBytes(locate.apply(share));
    }

    /** {@code name} with the share's root, directory and mount point first, as every snapshot script takes them. */
    private List<String> script(String name, ShareRef share, String... more) {
        ShareLocation location = locate.apply(share);
        String[] args = new String[3 + more.length];
        args[0] = location.root();
        args[1] = location.directory();
        args[2] = layout.mountPoint(location);
        System.arraycopy(more, 0, args, 3, more.length);
        return HostScripts.argv(name, Arrays.copyOf(args, args.length));
    }
}
