package org.manilaj.driver.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.manilaj.driver.DriverException;

/**
 * The plain layout on this machine (transport {@code local}), made and removed by the JVM itself: a process spawned for
 * {@code mkdir} or {@code rm} cost more than the rest of a create. Behaves as {@link PlainDirectoryLayout} does with
 * those commands: a directory that exists already is fine; a removal never follows a link (a tenant's link to
 * elsewhere goes, not what it points at) and never leaves the share's file system (as {@code rm --one-file-system}).
 */
final class LocalDirectoryLayout implements StorageLayout {
    private final RemoteHost host;
    private final Duration timeout;
    private final PlainDirectoryLayout commands;

    /** @param host this machine, for what Java cannot do (set-id and sticky bits) and what needs no speed ({@code du}) */
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
            int mode = Integer.parseInt(rootMode, 8);
            if ((mode & ~0777) != 0) { // set-id and sticky bits are not Java's to set
                host.check(List.of("chmod", rootMode, "--", share.directory()), timeout);
            } else {
                try {
                    Files.setPosixFilePermissions(directory, permissions(mode));
                } catch (IOException e) {
                    throw new DriverException("cannot set the mode of " + share.directory() + ": " + e.getMessage(), e);
                }
            }
        }
        return share.directory();
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, high bit first
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    @Override
    public void delete(ShareLocation share) {
        Path directory = Path.of(share.directory());
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            FileStore store = Files.getFileStore(directory);
            Files.walkFileTree(directory, new SimpleFileVisitor<>() { // links are not followed: they are entries
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    if (!Files.getFileStore(dir).equals(store)) {
                        throw new IOException(dir + " is on another file system: not removed");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // removed meanwhile
        } catch (IOException e) {
            throw new DriverException("cannot remove " + share.directory() + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new DriverException("cannot remove " + share.directory() + ": " + e.getMessage(), e);
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
