package org.manilaj.driver.linux;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.manilaj.driver.ByteStream;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareTrees;

/**
 * A share's tree through GNU tar and find on its host (over SSH or on this machine), as {@link HostScripts}'
 * fenced scripts: both walk the tree without following links, tar opens each file relative to the directory
 * it walks, so a tenant's link never leads the copy out of the share.
 */
final class TarTrees implements ShareTrees {
    private final RemoteHost host;
    private final Duration timeout;
    private final Function<ShareRef, ShareLocation> locate;
    private final Function<ShareLocation, String> mountPoint;

    TarTrees(RemoteHost host, Duration timeout, Function<ShareRef, ShareLocation> locate,
             Function<ShareLocation, String> mountPoint) {
        this.host = host;
        this.timeout = timeout;
        this.locate = locate;
        this.mountPoint = mountPoint;
    }

    @Override
    public TreeListing list(ShareRef share) { // held in memory: about 200 bytes a file
        String out = host.check(script(HostScripts.LIST_TREE, share), timeout.multipliedBy(10)).stdout();
        int firstLine = out.indexOf('\n');
        if (firstLine < 0 || !out.substring(0, firstLine).matches("\\d+ [0-7]{3,4}")) {
            throw new DriverException(host.describe() + ": unexpected listing of share " + share.shareId());
        }
        List<TreeEntry> entries = new ArrayList<>();
        for (String record : out.substring(firstLine + 1).split("\0")) {
            if (record.isEmpty()) {
                continue;
            }
            String[] fields = record.split(" ", 4); // the path, last, may hold spaces
            if (fields.length != 4 || fields[0].length() != 1 || !fields[1].matches("\\d+")
                    || !fields[2].matches("\\d+(\\.\\d*)?")) {
                throw new DriverException(host.describe() + ": unexpected entry in the listing of " + share.shareId());
            }
            long changed = Long.parseLong(fields[2].replaceFirst("\\..*", ""));
            entries.add(new TreeEntry(fields[0].charAt(0), Long.parseLong(fields[1]), changed, fields[3]));
        }
        String[] head = out.substring(0, firstLine).split(" ");
        return new TreeListing(Long.parseLong(head[0]), head[1], entries);
    }

    @Override
    public ByteStream pack(ShareRef share, Long changedSince) {
        return host.start(script(HostScripts.PACK_TREE, share, changedSince == null ? "" : Long.toString(changedSince)),
                BtrfsSnapshots.STREAM_TIMEOUT);
    }

    @Override
    public ByteStream unpack(ShareRef share) {
        return host.start(script(HostScripts.UNPACK_TREE, share), BtrfsSnapshots.STREAM_TIMEOUT);
    }

    @Override
    public void remove(ShareRef share, List<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        StringBuilder input = new StringBuilder();
        for (String path : paths) {
            if (path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0
                    || List.of(path.split("/")).contains("..")) {
                throw new IllegalArgumentException("not a relative path inside the share: " + path);
            }
            input.append(path).append('\0');
        }
        host.run(script(HostScripts.REMOVE_PATHS, share), input.toString().getBytes(StandardCharsets.UTF_8),
                timeout.multipliedBy(10)).orThrow(host.describe());
    }

    private List<String> script(String name, ShareRef share, String... more) {
        ShareLocation location = locate.apply(share);
        List<String> args = new ArrayList<>(List.of(location.root(), location.directory(), mountPoint.apply(location)));
        args.addAll(List.of(more));
        return HostScripts.argv(name, args.toArray(String[]::new));
    }
}
