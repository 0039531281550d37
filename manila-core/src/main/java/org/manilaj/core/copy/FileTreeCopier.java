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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.vfs2.FileObject;
import org.apache.commons.vfs2.FileSystemException;
import org.apache.commons.vfs2.cache.NullFilesCache;
import org.apache.commons.vfs2.impl.StandardFileSystemManager;
import org.manilaj.driver.ShareFiles;

/**
 * The file-level copy engine: one pass makes the destination tree equal to the source tree. Contents move
 * through Commons VFS; what a file is (file, directory, symbolic link) is always read without following
 * links, and nothing is ever deleted through a link, so a link a tenant planted cannot make the copy read
 * or remove anything outside the share; the destination is written without following links either (a copy
 * takes its file's name by a rename). Files whose size and modification time already match are skipped
 * (their mode is still brought over); files gone from the source are removed, also when they go during the
 * pass. Permission bits (and a directory's set-group-id and sticky bits), modification times and symbolic
 * links are kept; owners, set-user-id and set-group-id on files, and extended attributes are not (so
 * {@code preserve_metadata} is refused for it).
 *
 * <p>Only trees on this machine ({@code file://}): over SFTP, Commons VFS cannot tell a link from the file it
 * points to, so {@link CopyEngines} chooses the archive stream there.
 */
final class FileTreeCopier {
    /**
     * Below glibc's mmap threshold (128 KiB): the JDK allocates a native buffer of this size for each write of a
     * byte array (Commons VFS writes through a FileOutputStream); with 1 MiB, copying a 1 GiB file spent about
     * 3 s in the kernel, mapping and faulting that buffer in, against 0.6 s now.
     */
    private static final int BUFFER = 64 << 10;
    /** Generous: the file system's clock (a network file system's server stamps the files) may differ from ours. */
    static final long UNSETTLED_MILLIS = 10_000;
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};
    /** The name a file's copy is written under before it takes the file's own (the next pass removes one left over). */
    static final String PARTIAL = ".manila-partial-";

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
        /** One buffer for the whole pass, reused by every file. */
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

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted since its directory was read: nothing to count
                }
                throw e;
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
                try {
                    syncEntry(child, target.resolve(name), counter);
                } catch (NoSuchFileException e) {
                    if (counter.last || e.getFile() == null || !Path.of(e.getFile()).startsWith(child)) {
                        throw e; // the destination's side, or a source the last pass must find as it was listed
                    }
                    names.remove(name); // deleted since it was listed: its copy goes with the extras below
                }
            }
        }
        try (var extras = Files.list(target)) {
            for (Path extra : extras.toList()) {
                if (!names.contains(extra.getFileName())) {
                    remove(extra); // gone from the source since the last pass (or a copy cut short)
                }
            }
        }
        keepDirectoryMode(source, target); // the share's top directory too
    }

    private void syncEntry(Path child, Path copy, Counter counter) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(child, PosixFileAttributes.class, NO_FOLLOW);
        if (attributes.isSymbolicLink()) {
            copyLink(child, copy);
        } else if (attributes.isDirectory()) {
            if (Files.exists(copy, NO_FOLLOW) && !Files.isDirectory(copy, NO_FOLLOW)) {
                remove(copy);
            }
            Files.createDirectories(copy);
            sync(child, copy, counter);
            setTime(copy, attributes.lastModifiedTime());
        } else if (attributes.isRegularFile()) {
            counter.files++;
            copyFile(child, copy, attributes, counter);
        }
    }

    private void copyFile(Path source, Path target, PosixFileAttributes attributes, Counter counter) throws IOException {
        long size = attributes.size();
        long modified = attributes.lastModifiedTime().toMillis();
        PosixFileAttributes existing = attributesOrNull(target);
        boolean sameSize = existing != null && existing.isRegularFile() && existing.size() == size;
        if (sameSize && existing.lastModifiedTime().toMillis() == modified) {
            if (!existing.permissions().equals(attributes.permissions())) {
                setMode(target, attributes); // a chmod changes no time or size
            }
            counter.control.progress(counter.copied); // a pass of unchanged files still hears of a cancel
            return;
        }
        if (sameSize && existing.lastModifiedTime().toMillis() == modified - 1000) {
            counter.rechecked += size;
        }
        if (existing != null) {
            // a directory is not replaced by a rename; an old copy goes first so that the new one fits where the
            // share has a hard size limit (a reader of a replica misses the file meanwhile, never sees half of it)
            remove(target);
        }
        // listed as a regular file: if it became anything else since (a link, a FIFO that would block the
        // read for ever), it waits for the next pass
        BasicFileAttributes now = Files.readAttributes(source, BasicFileAttributes.class, NO_FOLLOW);
        if (!now.isRegularFile() || !Objects.equals(now.fileKey(), attributes.fileKey())) {
            if (counter.last) {
                throw new IOException(source + " was replaced during the last pass, while the source should be read-only");
            }
            return;
        }
        requireInside(source.getParent(), counter);
        // written under a new name, then renamed over the copy: the rename replaces whatever is there (a link
        // included) without following it, and a copy cut short never stands under the file's name
        Path partial = target.resolveSibling(PARTIAL + UUID.randomUUID());
        FileObject to = counter.vfs.resolveFile(partial.toUri());
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
            Files.deleteIfExists(partial);
            throw new IOException(e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        counter.filesCopied++;
        BasicFileAttributes after = Files.readAttributes(source, BasicFileAttributes.class, NO_FOLLOW);
        boolean changedWhileCopied = after.size() != size || after.lastModifiedTime().toMillis() != modified;
        if (counter.last && changedWhileCopied) {
            Files.deleteIfExists(partial);
            throw new IOException(source + " changed during the last pass, while the source should be read-only");
        }
        boolean unsettled = !counter.last && (changedWhileCopied || System.currentTimeMillis() - modified < UNSETTLED_MILLIS);
        // the time from before the copy: if the file changed meanwhile, the copy must not look current (set before
        // the mode, which may leave the owner unable to open it)
        setTime(partial, FileTime.fromMillis(unsettled ? modified - 1000 : modified));
        setMode(partial, attributes);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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

    /**
     * A file's permission bits (never set-user-id or set-group-id: owners are not kept, so the copy belongs to the
     * service's user). Through the entry itself (opened without following links): a link standing there now fails
     * the pass rather than changing what it points to. A service that is not root cannot open a copy its owner
     * may not read: a mode without the owner's read bit changed after the copy fails the pass there.
     */
    private static void setMode(Path target, PosixFileAttributes source) throws IOException {
        Files.getFileAttributeView(target, PosixFileAttributeView.class, NO_FOLLOW).setPermissions(source.permissions());
    }

    private static void setTime(Path target, FileTime modified) throws IOException {
        Files.getFileAttributeView(target, BasicFileAttributeView.class, NO_FOLLOW).setTimes(modified, null, null);
    }

    /**
     * A directory's mode with its set-group-id and sticky bits (a group's shared directory, a shared scratch space),
     * read now; never set-user-id.
     */
    private static void keepDirectoryMode(Path source, Path target) throws IOException {
        int mode = (Integer) Files.getAttribute(source, "unix:mode", NO_FOLLOW);
        Files.setAttribute(target, "unix:mode", mode & 03777, NO_FOLLOW);
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
