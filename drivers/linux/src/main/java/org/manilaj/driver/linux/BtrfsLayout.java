package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.Map;
import java.util.HashMap;
import org.manilaj.driver.NoSpaceException;

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
    private final long minFreeBytes;

    /** @param minFreeBytes the free space below which creates and extends are refused (see {@link NoSpaceException}) */
    BtrfsLayout(RemoteHost host, Duration timeout, String exportRoot, long minFreeBytes) {
        this.host = host;
        this.timeout = timeout;
        this.exportRoot = exportRoot;
        this.minFreeBytes = minFreeBytes;
    }

    /** Anyone may write at the top of a new share unless the create names a mode (NFS clients squash root). */
    private static final String DEFAULT_ROOT_MODE = "1777";

    @Override
    public String create(ShareLocation share, int sizeGib, String rootMode) {
        host.runInTurn(List.of(makeStep(share, sizeGib, rootMode)), timeout);
        if (rootMode != null) {
            requireMode(share, rootMode);
        }
        return mountPoint(share);
    }

    /** A share that asks for a root mode is made alone: its mode is checked before anything exports it. */
    @Override
    public Optional<CreateStep> createStep(ShareLocation share, int sizeGib, String rootMode) {
        return rootMode != null ? Optional.empty()
                : Optional.of(new CreateStep(makeStep(share, sizeGib, null), mountPoint(share)));
    }

    private HostStep makeStep(ShareLocation share, int sizeGib, String rootMode) {
        List<String> argv = HostScripts.argv(HostScripts.CREATE_SHARE, share.root(), share.directory(), mountPoint(share),
                Long.toString(sizeGib * GIB), rootMode == null ? DEFAULT_ROOT_MODE : rootMode, Long.toString(minFreeBytes));
        return new HostStep(argv, null, this::checkSpace);
    }

    /**
     * Scripts installed by {@code host-scripts} before root modes existed ignore the mode argument and leave
     * 1777: a share that asked for a stricter mode must fail rather than be world-writable.
     */
    private void requireMode(ShareLocation share, String rootMode) {
        CommandResult stat = host.run(List.of("stat", "-c", "%a", "--", share.directory()), timeout);
        // set-id bits a subvolume inherits from a setgid storage root are the operator's, not compared
        if (!stat.succeeded() || (Integer.parseInt(stat.stdout().trim(), 8) & 01777) != Integer.parseInt(rootMode, 8)) {
            throw new CommandFailedException(host.describe() + ": share " + share.directory() + " has mode "
                    + (stat.succeeded() ? stat.stdout().trim() : "unknown (" + stat.stderr().trim() + ")") + ", not " + rootMode
                    + ": the host's installed scripts or sudoers predate root modes; run host-scripts again");
        }
    }

    @Override
    public void delete(ShareLocation share) {
        host.runInTurn(List.of(deleteStep(share).orElseThrow()), timeout);
    }

    @Override
    public Optional<HostStep> deleteStep(ShareLocation share) {
        return Optional.of(new HostStep(HostScripts.argv(HostScripts.DELETE_SHARE, share.root(), share.directory(),
                mountPoint(share)), null, result -> result.orThrow(host.describe())));
    }

    @Override
    public void resize(ShareLocation share, int sizeGib, boolean growing) {
        checkSpace(host.run(HostScripts.argv(HostScripts.RESIZE_SHARE, share.root(), share.directory(), mountPoint(share),
                Long.toString(sizeGib * GIB), Long.toString(growing ? minFreeBytes : 0)), timeout));
    }

    /** A script's refusal for want of space becomes a {@link NoSpaceException}; any other failure throws as usual. */
    private void checkSpace(CommandResult result) {
        if (result.exitStatus() == HostScripts.NO_SPACE) {
            throw new NoSpaceException(host.describe() + ": " + result.stderr().strip());
        }
        result.orThrow(host.describe());
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

    /** One host script over the shares' roots: each subvolume's referenced bytes, after a sync. */
    @Override
    public Map<String, Long> usedBytes(List<ShareLocation> shares) {
        if (shares.isEmpty()) {
            return Map.of();
        }
        Set<String> wanted = shares.stream().map(ShareLocation::shareId).collect(Collectors.toSet());
        String[] roots = shares.stream().map(ShareLocation::root).distinct().toArray(String[]::new);
        Map<String, Long> used = new HashMap<>();
        for (String line : host.check(HostScripts.argv(HostScripts.SHARE_USAGE, roots), timeout).stdout().split("\n")) {
            String[] fields = line.trim().split(" ", 2);
            if (fields.length == 2 && wanted.contains(fields[1]) && fields[0].matches("[0-9]+")) {
                used.put(fields[1], Long.parseLong(fields[0]));
            }
        }
        return used;
    }

    @Override
    public String exportPath(ShareLocation share) {
        String mountPoint = mountPoint(share);
        host.check(HostScripts.argv(HostScripts.MOUNT_SHARE, share.root(), share.directory(), mountPoint), timeout);
        return mountPoint;
    }

    String mountPoint(ShareLocation share) {
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
