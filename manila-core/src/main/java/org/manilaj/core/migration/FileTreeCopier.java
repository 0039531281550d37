package org.manilaj.core.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.commons.vfs2.FileObject;
import org.apache.commons.vfs2.FileSystemException;
import org.apache.commons.vfs2.FileSystemOptions;
import org.apache.commons.vfs2.FileType;
import org.apache.commons.vfs2.cache.NullFilesCache;
import org.apache.commons.vfs2.impl.StandardFileSystemManager;
import org.apache.commons.vfs2.provider.sftp.IdentityInfo;
import org.apache.commons.vfs2.provider.sftp.SftpFileSystemConfigBuilder;
import org.manilaj.driver.ShareFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-level copy engine: one pass makes the destination tree equal to the source tree, through
 * Commons VFS ({@code file://} and {@code sftp://}, host keys always checked). Files whose size and
 * modification time already match are skipped, so later passes copy only what changed; files gone from
 * the source are removed. Modification times and, between local trees, permissions and symbolic links
 * are kept; owners and extended attributes are not (so {@code preserve_metadata} is refused for it).
 */
final class FileTreeCopier {
    private static final Logger LOG = LoggerFactory.getLogger(FileTreeCopier.class);
    private static final int BUFFER = 1 << 20;
    /** Generous: the storage host's clock, which stamps the files, may differ a little from ours. */
    static final long UNSETTLED_MILLIS = 10_000;

    /**
     * What one pass did; {@code bytesChanged} leaves out the files copied again only because their last copy
     * was not trusted (they had not changed since).
     */
    record Pass(long bytesCopied, long bytesChanged, long bytesTotal, int filesCopied, int files, Duration took) {
        long rateBytesPerS() {
            long millis = Math.max(1, took.toMillis());
            return bytesCopied * 1000 / millis;
        }
    }

    /**
     * One pass; {@code progress} hears the bytes copied so far in this pass. A file modified shortly before
     * it was copied (within {@link #UNSETTLED_MILLIS}) may be written again without its size or modification
     * time changing (SFTP keeps whole seconds): its copy gets a modification time one second off, so the next
     * pass copies it again. The {@code last} pass, with the source read-only, gives every copy its true time.
     */
    Pass copy(ShareFiles from, ShareFiles to, boolean last, LongConsumer progress) {
        long started = System.nanoTime();
        StandardFileSystemManager vfs = new StandardFileSystemManager();
        try {
            vfs.setFilesCache(new NullFilesCache()); // every pass sees the trees as they are now
            vfs.init();
            FileObject source = vfs.resolveFile(from.uri(), options(from));
            FileObject target = vfs.resolveFile(to.uri(), options(to));
            if (!source.isFolder()) {
                throw new FileSystemException("the source share " + from.uri() + " is not a directory");
            }
            target.createFolder();
            Counter counter = new Counter(progress, total(source), last);
            sync(source, target, from.isLocal() && to.isLocal(), counter);
            return new Pass(counter.copied, counter.copied - counter.rechecked, counter.total, counter.filesCopied, counter.files,
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (FileSystemException e) {
            throw new UncheckedIOException("copy " + from.uri() + " -> " + to.uri() + ": " + e.getMessage(), e);
        } finally {
            vfs.close();
        }
    }

    /** Removes the destination tree (a cancelled or failed migration's copy). */
    void delete(ShareFiles tree) {
        StandardFileSystemManager vfs = new StandardFileSystemManager();
        try {
            vfs.setFilesCache(new NullFilesCache());
            vfs.init();
            FileObject root = vfs.resolveFile(tree.uri(), options(tree));
            if (root.exists()) {
                for (FileObject child : root.getChildren()) {
                    child.deleteAll();
                }
            }
        } catch (FileSystemException e) {
            throw new UncheckedIOException("empty " + tree.uri() + ": " + e.getMessage(), e);
        } finally {
            vfs.close();
        }
    }

    private static final class Counter {
        private final LongConsumer progress;
        final long total;
        final boolean last;
        long copied;
        long rechecked;
        int filesCopied;
        int files;

        Counter(LongConsumer progress, long total, boolean last) {
            this.progress = progress;
            this.total = total;
            this.last = last;
        }
    }

    private static long total(FileObject folder) throws FileSystemException {
        long total = 0;
        for (FileObject child : folder.getChildren()) {
            if (child.isSymbolicLink()) {
                continue;
            }
            if (child.getType() == FileType.FOLDER) {
                total += total(child);
            } else if (child.getType() == FileType.FILE) {
                total += child.getContent().getSize();
            }
        }
        return total;
    }

    private void sync(FileObject source, FileObject target, boolean local, Counter counter) throws FileSystemException {
        Set<String> names = new HashSet<>();
        for (FileObject child : source.getChildren()) {
            String name = child.getName().getBaseName();
            names.add(name);
            FileObject copy = target.resolveFile(name);
            if (child.isSymbolicLink()) {
                copyLink(child, copy, local);
            } else if (child.getType() == FileType.FOLDER) {
                if (copy.exists() && copy.getType() != FileType.FOLDER || copy.isSymbolicLink()) {
                    copy.deleteAll();
                }
                copy.createFolder();
                sync(child, copy, local, counter);
                keepAttributes(child, copy, local);
            } else if (child.getType() == FileType.FILE) {
                counter.files++;
                copyFile(child, copy, local, counter);
            }
        }
        for (FileObject extra : target.getChildren()) {
            if (!names.contains(extra.getName().getBaseName())) {
                extra.deleteAll(); // gone from the source since the last pass
            }
        }
    }

    private void copyFile(FileObject source, FileObject target, boolean local, Counter counter) throws FileSystemException {
        long size = source.getContent().getSize();
        long modified = source.getContent().getLastModifiedTime();
        if (target.exists() && !target.isSymbolicLink() && target.getType() == FileType.FILE
                && target.getContent().getSize() == size && target.getContent().getLastModifiedTime() == modified) {
            return;
        }
        boolean recheck = target.exists() && target.getType() == FileType.FILE && !target.isSymbolicLink()
                && target.getContent().getSize() == size && target.getContent().getLastModifiedTime() == modified - 1000;
        if (recheck) {
            counter.rechecked += size;
        }
        if (target.exists() && (target.getType() != FileType.FILE || target.isSymbolicLink())) {
            target.deleteAll();
        }
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = source.getContent().getInputStream(); OutputStream out = target.getContent().getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
                counter.copied += read;
                counter.progress.accept(counter.copied);
            }
        } catch (IOException e) {
            throw new FileSystemException(e);
        }
        counter.filesCopied++;
        keepAttributes(source, target, local);
        if (!counter.last && System.currentTimeMillis() - modified < UNSETTLED_MILLIS) {
            target.getContent().setLastModifiedTime(modified - 1000); // not trusted: the next pass copies it again
        }
    }

    /** Modification time always; permissions between local trees (VFS only knows the owner's bits). */
    private static void keepAttributes(FileObject source, FileObject target, boolean local) throws FileSystemException {
        if (local) {
            try {
                Path from = Path.of(source.getURI());
                Path to = Path.of(target.getURI());
                Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from, LinkOption.NOFOLLOW_LINKS));
                Files.setLastModifiedTime(to, Files.getLastModifiedTime(from, LinkOption.NOFOLLOW_LINKS));
            } catch (IOException e) {
                throw new FileSystemException(e);
            }
            return;
        }
        target.getContent().setLastModifiedTime(source.getContent().getLastModifiedTime());
        target.setExecutable(source.isExecutable(), true);
    }

    private static void copyLink(FileObject source, FileObject target, boolean local) throws FileSystemException {
        if (!local) {
            LOG.warn("symbolic link {} not copied: links are kept only between trees on this machine", source.getName());
            return;
        }
        try {
            Path from = Path.of(source.getURI());
            Path to = Path.of(target.getURI());
            Path link = Files.readSymbolicLink(from);
            if (Files.isSymbolicLink(to) && Files.readSymbolicLink(to).equals(link)) {
                return;
            }
            if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                target.deleteAll();
            }
            Files.createSymbolicLink(to, link);
        } catch (IOException e) {
            throw new FileSystemException(e);
        }
    }

    private static FileSystemOptions options(ShareFiles files) throws FileSystemException {
        FileSystemOptions options = new FileSystemOptions();
        if (!files.isLocal()) {
            SftpFileSystemConfigBuilder sftp = SftpFileSystemConfigBuilder.getInstance();
            sftp.setStrictHostKeyChecking(options, "yes");
            sftp.setKnownHosts(options, files.knownHostsFile().toFile());
            sftp.setIdentityProvider(options, new IdentityInfo(files.privateKeyFile().toFile()));
            sftp.setUserDirIsRoot(options, false);
            sftp.setSessionTimeout(options, Duration.ofSeconds(60));
        }
        return options;
    }
}
