package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.BackendStats;
import org.manilaj.driver.DriverCapabilities;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.PoolStats;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareExport;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;
import org.manilaj.driver.ShrinkWouldLoseDataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NFS shares on a Linux host: one directory per share under its pool's storage root, published by an
 * {@link ExportHelper}. Every step is idempotent, so a retried operation converges.
 */
final class LinuxShareDriver implements ShareDriver {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxShareDriver.class);
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final RemoteHost host;
    private final Map<String, String> poolRoots;
    private final StorageLayout layout;
    private final ExportHelper exports;
    private final Duration timeout;
    private final Map<String, String> capabilities;

    LinuxShareDriver(RemoteHost host, Map<String, String> poolRoots, StorageLayout layout, ExportHelper exports,
                     Duration timeout, Map<String, String> capabilities) {
        this.host = host;
        this.poolRoots = Map.copyOf(poolRoots);
        this.layout = layout;
        this.exports = exports;
        this.timeout = timeout;
        this.capabilities = Map.copyOf(capabilities);
    }

    @Override
    public BackendStats stats() {
        List<PoolStats> pools = new ArrayList<>();
        poolRoots.forEach((pool, root) -> {
            FileSystemUsage usage = FileSystemUsage.of(host, root, timeout);
            pools.add(new PoolStats(pool, usage.totalBytes() / GIB, usage.availableBytes() / GIB, capabilities));
        });
        return new BackendStats(pools);
    }

    @Override
    public ShareExport create(ShareSpec spec) {
        ShareLocation share = locate(spec.ref());
        Optional<StorageLayout.CreateStep> make = layout.createStep(share, spec.sizeGib(), spec.rootMode());
        Optional<HostStep> publish = make.flatMap(made -> exports.exportStep(spec.shareId(), made.exportPath(), List.of()));
        String exportPath;
        if (publish.isPresent()) {
            host.runInTurn(List.of(make.get().step(), publish.get()), timeout); // one invocation on the host
            exportPath = make.get().exportPath();
        } else {
            exportPath = layout.create(share, spec.sizeGib(), spec.rootMode());
            exports.export(spec.shareId(), exportPath, List.of());
        }
        LOG.info("created share {} at {} on {}", spec.shareId(), share.directory(), host.describe());
        return new ShareExport(List.of(exports.location(exportPath)));
    }

    @Override
    public void delete(ShareRef ref) {
        ShareLocation share = locate(ref);
        Optional<HostStep> withdraw = exports.unexportStep(ref.shareId());
        Optional<HostStep> remove = withdraw.isPresent() ? layout.deleteStep(share) : Optional.<HostStep>empty();
        if (remove.isPresent()) {
            host.runInTurn(List.of(withdraw.get(), remove.get()), timeout); // one invocation on the host
        } else {
            exports.unexport(ref.shareId());
            layout.delete(share);
        }
        LOG.info("deleted share {} at {} on {}", ref.shareId(), share.directory(), host.describe());
    }

    @Override
    public void extend(ShareRef ref, int newSizeGib) {
        // putting back a size a share had (a shrink undone) is not a growth: never refused for want of space
        layout.resize(locate(ref), newSizeGib, newSizeGib > ref.sizeGib());
    }

    @Override
    public void shrink(ShareRef ref, int newSizeGib) {
        ShareLocation share = locate(ref);
        long used = layout.usedBytes(share);
        if (used > newSizeGib * (long) GIB) {
            throw new ShrinkWouldLoseDataException("share " + ref.shareId() + " holds " + used
                    + " bytes, more than " + newSizeGib + " GiB");
        }
        layout.resize(share, newSizeGib, false);
    }

    @Override
    public java.util.Map<String, Long> usedBytes(List<ShareRef> shares) {
        return layout.usedBytes(shares.stream().map(this::locate).toList());
    }

    @Override
    public void applyAccess(ShareRef ref, List<AccessGrant> rules) {
        ShareLocation share = locate(ref);
        exports.export(ref.shareId(), layout.exportPath(share), rules);
    }

    /** btrfs shares can be snapshotted and streamed to another btrfs backend; plain directories cannot. */
    @Override
    public java.util.Optional<org.manilaj.driver.ShareSnapshots> snapshots() {
        if (layout instanceof BtrfsLayout btrfs) {
            return java.util.Optional.of(new BtrfsSnapshots(host, timeout, btrfs, exports, this::locate));
        }
        return java.util.Optional.empty();
    }

    /** Every layout's tree can be archived; a btrfs share's scripts are named by its mount point, as sudoers fences them. */
    @Override
    public java.util.Optional<org.manilaj.driver.ShareTrees> trees() {
        java.util.function.Function<ShareLocation, String> mountPoint = layout instanceof BtrfsLayout btrfs
                ? btrfs::mountPoint : ShareLocation::directory;
        return java.util.Optional.of(new TarTrees(host, timeout, this::locate, mountPoint));
    }

    /** One host script lists every storage root (with the pools sharing it), their snapshots and the export files. */
    @Override
    public java.util.Optional<org.manilaj.driver.BackendInventory> inventory() {
        Map<String, java.util.Set<String>> poolsByRoot = new java.util.TreeMap<>();
        poolRoots.forEach((pool, root) -> poolsByRoot.computeIfAbsent(root, r -> new java.util.TreeSet<>()).add(pool));
        Map<String, java.util.Set<String>> directories = new java.util.HashMap<>();
        Map<String, java.util.Set<String>> others = new java.util.HashMap<>();
        Map<String, java.util.Set<String>> snapshots = new java.util.HashMap<>();
        java.util.Set<String> exported = new java.util.HashSet<>();
        List<String> args = new java.util.ArrayList<>(List.of(exports.exportsDirectory().orElse("-")));
        args.addAll(poolsByRoot.keySet());
        String out = host.check(HostScripts.argv(HostScripts.INVENTORY, args.toArray(String[]::new)), timeout).stdout();
        for (String line : out.split("\n")) {
            String[] fields = line.split(" ", 3);
            if (fields.length == 3 && poolsByRoot.containsKey(fields[1])) {
                Map<String, java.util.Set<String>> kind = switch (fields[0]) {
                    case "D" -> directories;
                    case "N" -> snapshots;
                    default -> others;
                };
                kind.computeIfAbsent(fields[1], r -> new java.util.HashSet<>()).add(fields[2]);
            } else if (fields.length == 2 && fields[0].equals("E")) {
                exported.add(fields[1]);
            }
        }
        List<org.manilaj.driver.BackendInventory.Area> areas = poolsByRoot.entrySet().stream()
                .map(root -> new org.manilaj.driver.BackendInventory.Area(root.getValue(),
                        directories.getOrDefault(root.getKey(), java.util.Set.of()), others.getOrDefault(root.getKey(), java.util.Set.of()),
                        snapshots.getOrDefault(root.getKey(), java.util.Set.of()))).toList();
        return java.util.Optional.of(new org.manilaj.driver.BackendInventory(areas, exported));
    }

    @Override
    public void removeExport(String shareId) {
        exports.unexport(ShareIds.require(shareId));
    }

    @Override
    public int connectionsInUse() {
        return host.sessionsInUse();
    }

    @Override
    public DriverCapabilities capabilities() {
        return new DriverCapabilities(!(layout instanceof PlainDirectoryLayout), exports.enforcesAccess());
    }

    /** The share's own directory (for btrfs, the subvolume), where its files are whether exported or not. */
    @Override
    public java.util.Optional<org.manilaj.driver.ShareFiles> files(ShareRef ref) {
        return java.util.Optional.of(host.files(locate(ref).directory()));
    }

    private ShareLocation locate(ShareRef share) {
        String root = poolRoots.get(share.pool());
        if (root == null) {
            throw new DriverException("pool " + share.pool() + " is not configured on this backend");
        }
        return ShareLocation.of(root, share.shareId());
    }

    @Override
    public void close() {
        host.close();
    }
}
