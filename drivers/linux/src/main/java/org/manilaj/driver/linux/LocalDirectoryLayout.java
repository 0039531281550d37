package org.manilaj.driver.linux;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.manilaj.driver.DriverException;

/**
 * The plain layout on this machine (transport {@code local}), its directories made by the JVM itself: a process
 * spawned for {@code mkdir} cost more than the rest of a create. Behaves as {@link PlainDirectoryLayout} does: a
 * directory that exists already is fine; a mode asked for is set by {@code chmod} (rare); a share with anything in
 * it is removed by {@code rm} (see {@link #delete}).
 */
final class LocalDirectoryLayout implements StorageLayout {
    private final RemoteHost host;
    private final Duration timeout;
    private final PlainDirectoryLayout commands;

    /** @param host this machine, for {@code chmod}, {@code rm} and {@code du} */
    LocalDirectoryLayout(RemoteHost host, Duration timeout) {
        this.host = host;
        this.timeout = timeout;
        this.commands = new PlainDirectoryLayout(host, timeout);
    }

    @Override
    public String create(ShareLocation share, int sizeGib, String rootMode) {
        Path directory = Path.of(share.directory());
        try {
            Files.createDirectory(directory);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw new DriverException(share.directory() + " exists and is not a directory");
            }
        } catch (IOException e) {
            throw new DriverException("cannot make " + share.directory() + ": " + e.getMessage(), e);
        }
        if (rootMode != null) {
            // by chmod, as before: it keeps the set-group-id bit a directory inherits from a setgid storage root
            host.check(List.of("chmod", rootMode, "--", share.directory()), timeout);
        }
        return share.directory();
    }

    /**
     * An empty share (or one already gone) by one {@code rmdir} in the JVM, which opens nothing and follows no link;
     * anything else by {@code rm -rf --one-file-system}, as before. A removal of whole trees in the JVM was tried and
     * withdrawn: a tenant who can still write while it runs can swap a directory for a fifo between its check and its
     * open (which then blocks for good: Java opens without {@code O_DIRECTORY}), and a directory of millions of names
     * must not be listed into the service's heap. {@code rm} has neither problem, and runs under the command timeout.
     */
    @Override
    public void delete(ShareLocation share) {
        try {
            Files.deleteIfExists(Path.of(share.directory()));
        } catch (IOException notEmptyOrOther) { // not empty, a mount point, no permission: rm says what it can do
            commands.delete(share);
        }
    }

    @Override
    public void resize(ShareLocation share, int sizeGib, boolean growing) {
        // Nothing to set: a plain directory has no limit.
    }

    @Override
    public long usedBytes(ShareLocation share) {
        return commands.usedBytes(share);
    }

    @Override
    public Map<String, Long> usedBytes(List<ShareLocation> shares) {
        return commands.usedBytes(shares);
    }

    @Override
    public String exportPath(ShareLocation share) {
        return share.directory();
    }
}
