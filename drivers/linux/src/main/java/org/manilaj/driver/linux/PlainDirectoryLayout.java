package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.List;

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
    public void resize(ShareLocation share, int sizeGib) {
        // Nothing to set: a plain directory has no limit.
    }

    @Override
    public long usedBytes(ShareLocation share) {
        String out = host.check(List.of("du", "-s", "-B1", "--", share.directory()), timeout).stdout();
        return Long.parseLong(out.trim().split("\\s+")[0]);
    }

    @Override
    public String exportPath(ShareLocation share) {
        return share.directory();
    }
}
