package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A share is a plain directory: no size limit (that needs the btrfs layout), exported where it is. */
final class PlainDirectoryLayout implements StorageLayout {
    private final RemoteHost host;
    private final Duration timeout;

    PlainDirectoryLayout(RemoteHost host, Duration timeout) {
        this.host = host;
        this.timeout = timeout;
    }

    @Override
    public String create(ShareLocation share, int sizeGib, String rootMode) {
        CommandResult made = host.run(List.of("mkdir", "--", share.directory()), timeout);
        if (!made.succeeded() && !host.run(List.of("test", "-d", share.directory()), timeout).succeeded()) {
            made.orThrow(host.describe());
        }
        if (rootMode != null) {
            host.check(List.of("chmod", rootMode, "--", share.directory()), timeout);
        }
        return share.directory();
    }

    @Override
    public void delete(ShareLocation share) {
        host.check(List.of("rm", "-rf", "--one-file-system", "--", share.directory()), timeout);
    }

    @Override
    public void resize(ShareLocation share, int sizeGib, boolean growing) {
        // Nothing to set: a plain directory has no limit.
    }

    @Override
    public long usedBytes(ShareLocation share) {
        String out = host.check(List.of("du", "-s", "-B1", "--", share.directory()), timeout).stdout();
        return Long.parseLong(out.trim().split("\\s+")[0]);
    }

    /** One {@code du} over every directory; one that is gone makes it exit 1 with the others' sizes printed. */
    @Override
    public Map<String, Long> usedBytes(List<ShareLocation> shares) {
        if (shares.isEmpty()) {
            return Map.of();
        }
        List<String> argv = new ArrayList<>(List.of("du", "-s", "-B1", "--"));
        Map<String, String> idByDirectory = new HashMap<>();
        for (ShareLocation share : shares) {
            argv.add(share.directory());
            idByDirectory.put(share.directory(), share.shareId());
        }
        Map<String, Long> used = new HashMap<>();
        for (String line : host.run(argv, timeout).stdout().split("\n")) {
            String[] fields = line.split("\t", 2);
            if (fields.length == 2 && idByDirectory.containsKey(fields[1]) && fields[0].matches("[0-9]+")) {
                used.put(idByDirectory.get(fields[1]), Long.parseLong(fields[0]));
            }
        }
        return used;
    }

    @Override
    public String exportPath(ShareLocation share) {
        return share.directory();
    }
}
