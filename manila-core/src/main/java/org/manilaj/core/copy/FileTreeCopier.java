package org.manilaj.core.copy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.vfs2.FileObject;
import org.apache.commons.vfs2.FileSystemException;
import org.apache.commons.vfs2.cache.NullFilesCache;
import org.apache.commons.vfs2.impl.StandardFileSystemManager;
import org.manilaj.driver.ShareFiles;

/**
 * The file-level copy engine: one pass makes the destination tree equal to the source tree. Contents move
 * through Commons VFS; what a file is (file, directory, symbolic link) is always read without following
 * links, and nothing is ever deleted through a link, so a link a tenant planted cannot make the copy read
 * or remove anything outside the share. Files whose size and modification time already match are skipped;
 * files gone from the source are removed. Modes, modification times and symbolic links are kept; owners
 * and extended attributes are not (so {@code preserve_metadata} is refused for it).
 *
 * <p>Only trees on this machine ({@code file://}) for now: over SFTP, Commons VFS cannot tell a link from
 * the file it points to, so {@link MigrationService} does not offer this engine there yet.
 */
final class FileTreeCopier {
    /**
     * Below glibc's mmap threshold (128 KiB): the JDK mallocs a buffer this size for each read and write of a
     * byte array, and a megabyte came from mmap every time (page faults, unmapping): 1 GiB took 3 s instead of 0.4.
     */
    private static final int BUFFER = 64 << 10;
    /** Generous: the storage host's clock, which stamps the files, may differ a little from ours. */
    static final long UNSETTLED_MILLIS = 10_000;
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /**
     * One pass; {@code control} hears its total and the bytes copied so far. A file modified shortly before
     * it was copied (within {@link #UNSETTLED_MILLIS}), or while it was copied, may change again without its
     * size or modification time showing it: its copy gets a modification time one second off, so the next
     * pass copies it again. The {@code last} pass, with the source read-only, gives every copy its true time.
     */
    CopyPass copy(ShareFiles from, ShareFiles to, boolean last, PassControl control) {
        if (!from.isLocal() || !to.isLocal()) {
            throw new IllegalArgumentException("the file-level copy works between trees on this machine only");
        }
        long started = System.nanoTime();
        StandardFileSystemManager vfs = new StandardFileSystemManager();
        try {
            vfs.setFilesCache(new NullFilesCache()); // every pass sees the trees as they are now
            vfs.init();
            Path source = Path.of(java.net.URI.create(from.uri()));
            Path target = Path.of(java.net.URI.create(to.uri()));
            if (!Files.isDirectory(source, NO_FOLLOW)) {
                throw new IOException("the source share " + source + " is not a directory");
            }
            if (source.toRealPath().equals(target.toAbsolutePath().normalize())) {
                throw new IOException("source and destination are the same directory: " + source);
            }
            Files.createDirectories(target);
            Counter counter = new Counter(vfs, control, total(source), last, source.toRealPath());
            sync(source, target, counter);
            return new CopyPass(counter.copied, counter.copied - counter.rechecked, counter.total, counter.filesCopied,
                    counter.files, Duration.ofNanos(System.nanoTime() - started), null,
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException("copy " + from.uri() + " -> " + to.uri() + ": " + e.getMessage(), e);
        } finally {
            vfs.close();
        }
    }

    private static final class Counter {
        final StandardFileSystemManager vfs;
        private final PassControl control;
        final long total;
        final boolean last;
        /** The source share's real path: no directory the copy enters may resolve outside it. */
        final Path sourceRoot;
        /** One buffer for the whole pass (a new megabyte per file cost more than copying a small file). */
        final byte[] buffer = new byte[BUFFER];
        long copied;
        long rechecked;
        int filesCopied;
        int files;

        Counter(StandardFileSystemManager vfs, PassControl control, long total, boolean last, Path sourceRoot) {
            this.vfs = vfs;
            this.control = control;
            control.total(total);
            this.total = total;
            this.last = last;
            this.sourceRoot = sourceRoot;
        }
    }

    private static long total(Path root) throws IOException {
        long[] total = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() { // does not follow links
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    total[0] += attributes.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    private void sync(Path source, Path target, Counter counter) throws IOException {
        requireInside(source, counter);
        Set<Path> names = new HashSet<>();
        try (var children = Files.list(source)) {
            for (Path child : children.toList()) {
                Path name = child.getFileName();
                names.add(name);
                Path copy = target.resolve(name);
                PosixFileAttributes attributes = Files.readAttributes(child, PosixFileAttributes.class, NO_FOLLOW);
                if (attributes.isSymbolicLink()) {
                    copyLink(child, copy);
                } else if (attributes.isDirectory()) {
                    if (Files.exists(copy, NO_FOLLOW) && !Files.isDirectory(copy, NO_FOLLOW)) {
                        remove(copy);
                    }
                    Files.createDirectories(copy);
                    sync(child, copy, counter);
                    keepAttributes(copy, attributes, attributes.lastModifiedTime());
                } else if (attributes.isRegularFile()) {
                    counter.files++;
                    copyFile(child, copy, attributes, counter);
                }
            }
        }
        try (var extras = Files.list(target)) {
            for (Path extra : extras.toList()) {
                if (!names.contains(extra.getFileName())) {
                    remove(extra); // gone from the source since the last pass
                }
            }
        }
        keepMode(source, target); // the share's top directory too
    }

    private void copyFile(Path source, Path target, PosixFileAttributes attributes, Counter counter) throws IOException {
        long size = attributes.size();
        long modified = attributes.lastModifiedTime().toMillis();
        PosixFileAttributes existing = attributesOrNull(target);
        boolean sameData = existing != null && existing.isRegularFile() && existing.size() == size;
        if (sameData && existing.lastModifiedTime().toMillis() == modified) {
            if (!existing.permissions().equals(attributes.permissions())) {
                Files.setPosixFilePermissions(target, attributes.permissions()); // a chmod changes no time or size
            }
            counter.control.progress(counter.copied); // a pass of unchanged files still hears of a cancel
            return;
        }
        if (sameData && existing.lastModifiedTime().toMillis() == modified - 1000) {
            counter.rechecked += size;
        }
        if (existing != null && !existing.isRegularFile()) {
            remove(target);
        }
        // listed as a regular file: if it became anything else since (a link, a FIFO that would block the
        // read for ever), it waits for the next pass
        BasicFileAttributes now = Files.readAttributes(source, BasicFileAttributes.class, NO_FOLLOW);
        if (!now.isRegularFile() || !java.util.Objects.equals(now.fileKey(), attributes.fileKey())) {
            return;
        }
        requireInside(source.getParent(), counter);
        FileObject to = counter.vfs.resolveFile(target.toUri());
        byte[] buffer = counter.buffer;
        // O_NOFOLLOW: a file swapped for a link since it was listed is refused, not followed
        try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
             OutputStream out = to.getContent().getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
                counter.copied += read;
                counter.control.progress(counter.copied);
            }
        } catch (FileSystemException e) {
            throw new IOException(e);
        }
        counter.filesCopied++;
        boolean unsettled = false;
        if (!counter.last) { // the last pass reads a read-only source: its copies are final
            BasicFileAttributes after = Files.readAttributes(source, BasicFileAttributes.class, NO_FOLLOW);
            boolean changedWhileCopied = after.size() != size || after.lastModifiedTime().toMillis() != modified;
            unsettled = changedWhileCopied || System.currentTimeMillis() - modified < UNSETTLED_MILLIS;
        }
        // the time from before the copy: if the file changed meanwhile, the copy must not look current
        keepAttributes(target, attributes, FileTime.fromMillis(unsettled ? modified - 1000 : modified));
    }

    private static PosixFileAttributes attributesOrNull(Path path) throws IOException {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class, NO_FOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * A directory swapped for a link since it was listed would take the copy outside the share: refused.
     * (Java has no openat(): a swap between this check and the open is not caught; the passes after
     * compare again.)
     */
    private static void requireInside(Path directory, Counter counter) throws IOException {
        if (!directory.toRealPath().startsWith(counter.sourceRoot)) {
            throw new IOException(directory + " now leads outside the share (a directory replaced by a link)");
        }
    }

    /** The source's mode (as listed), and {@code modified}. */
    private static void keepAttributes(Path target, PosixFileAttributes source, FileTime modified) throws IOException {
        Files.setPosixFilePermissions(target, source.permissions());
        Files.setLastModifiedTime(target, modified);
    }

    private static void keepMode(Path source, Path target) throws IOException {
        Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source, NO_FOLLOW));
    }

    private static void copyLink(Path source, Path target) throws IOException {
        Path link = Files.readSymbolicLink(source);
        if (Files.isSymbolicLink(target) && Files.readSymbolicLink(target).equals(link)) {
            return;
        }
        if (Files.exists(target, NO_FOLLOW)) {
            remove(target);
        }
        Files.createSymbolicLink(target, link);
    }

    /** Deletes a file, a link (never what it points to) or a directory tree, without following links. */
    private static void remove(Path path) throws IOException {
        if (!Files.isDirectory(path, NO_FOLLOW)) {
            Files.deleteIfExists(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
