package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.List;

/** A share is a plain directory: no size limit (that needs the btrfs layout). */
final class PlainDirectoryLayout implements StorageLayout {
    private final RemoteHost host;
    private final Duration timeout;

    PlainDirectoryLayout(RemoteHost host, Duration timeout) {
        this.host = host;
        this.timeout = timeout;
    }

    @Override
    public void create(String directory, int sizeGib) {
        CommandResult made = host.run(List.of("mkdir", "--", directory), timeout);
        if (!made.succeeded() && !host.run(List.of("test", "-d", directory), timeout).succeeded()) {
            made.orThrow(host.describe());
        }
    }

    @Override
    public void delete(String directory) {
        host.run(List.of("rm", "-rf", "--one-file-system", "--", directory), timeout).orThrow(host.describe());
    }

    @Override
    public void resize(String directory, int sizeGib) {
        // Nothing to set: a plain directory has no limit.
    }

    @Override
    public long usedBytes(String directory) {
        String out = host.run(List.of("du", "-s", "-B1", "--", directory), timeout).orThrow(host.describe()).stdout();
        return Long.parseLong(out.trim().split("\\s+")[0]);
    }
}
