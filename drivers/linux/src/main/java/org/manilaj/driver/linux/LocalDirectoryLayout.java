package org.manilaj.driver.linux;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.TimedOutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain layout on this machine (transport {@code local}), made and removed by the JVM itself: a process spawned for
 * {@code mkdir} or {@code rm} cost more than the rest of a create. Behaves as {@link PlainDirectoryLayout} does with
 * those commands: a directory that exists already is fine; a mode asked for is set by {@code chmod} (rare); a removal
 * never follows a link, even one a tenant swaps in while it runs, never leaves the share's file system, and is
 * bounded by the command timeout (see {@link #delete}).
 */
final class LocalDirectoryLayout implements StorageLayout {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDirectoryLayout.class);
    private final RemoteHost host;
    private final Duration timeout;
    private final PlainDirectoryLayout commands;

    /** @param host this machine, for {@code chmod}, {@code du} and a removal the JVM cannot do */
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
     * Removes the tree as {@code rm -rf --one-file-system} does, and as safely: every step is relative to a directory
     * already open ({@link SecureDirectoryStream}, openat and unlinkat underneath), a directory is entered only if
     * it is one when opened (a tenant who swaps it for a link meanwhile makes the open fail, nothing outside is
     * touched), and a directory of another file system is not entered. Whatever the JVM cannot do (a platform without
     * secure directory streams, a tree deeper than its stack, too many open directories) goes to {@code rm}.
     */
    @Override
    public void delete(ShareLocation share) {
        Path directory = Path.of(share.directory());
        try {
            Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return; // any other failure to look is the removal's to report
        } catch (IOException e) {
            throw new DriverException("cannot remove " + share.directory() + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DirectoryStream<Path> parent = Files.newDirectoryStream(directory.getParent())) {
            if (!(parent instanceof SecureDirectoryStream<Path> root)) {
                commands.delete(share);
                return;
            }
            Path name = directory.getFileName();
            BasicFileAttributes attributes = attributes(root, name);
            if (attributes.isDirectory()) {
                try (SecureDirectoryStream<Path> tree = root.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                    empty(tree, device(attributes), deadline);
                }
                root.deleteDirectory(name);
            } else {
                root.deleteFile(name); // a link or a file in the share's place: it goes, not what it points at
            }
        } catch (NoSuchFileException gone) {
            // the share's directory itself went meanwhile (what vanishes inside is skipped entry by entry)
        } catch (IOException | StackOverflowError e) {
            LOG.warn("share {}: removing it in the JVM failed ({}); trying rm", share.shareId(), e.toString());
            commands.delete(share);
        }
    }

    private void empty(SecureDirectoryStream<Path> directory, String device, long deadline) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path entry : directory) {
            names.add(entry.getFileName()); // listed first: a directory is not changed while it is read
        }
        for (Path name : names) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                throw new TimedOutException("removing a share took more than " + timeout + ": stopped", true);
            }
            try {
                BasicFileAttributes attributes = attributes(directory, name);
                if (attributes.isDirectory()) {
                    if (!device(attributes).equals(device)) {
                        throw new IOException(name + " is on another file system: not removed");
                    }
                    try (SecureDirectoryStream<Path> child = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                        empty(child, device, deadline);
                    }
                    directory.deleteDirectory(name);
                } else {
                    directory.deleteFile(name);
                }
            } catch (NoSuchFileException vanished) {
                // removed by someone else meanwhile: one entry less to remove, the others still are
            }
        }
    }

    private static BasicFileAttributes attributes(SecureDirectoryStream<Path> directory, Path name) throws IOException {
        return directory.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
    }

    /** The device of a file, from its key {@code (dev=...,ino=...)} on Unix. */
    private static String device(BasicFileAttributes attributes) {
        String key = String.valueOf(attributes.fileKey());
        int start = key.indexOf("dev=");
        return start < 0 ? key : key.substring(start, key.indexOf(',', start) < 0 ? key.length() : key.indexOf(',', start));
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
