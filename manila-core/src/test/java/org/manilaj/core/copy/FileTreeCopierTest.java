package org.manilaj.core.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.manilaj.driver.ShareFiles;

/** One pass of the file-level copy between two trees on this machine, with what a tenant may do meanwhile. */
class FileTreeCopierTest {
    @TempDir
    Path root;

    /** Hears nothing; runs {@code onProgress} at each report (what a writer does while the pass runs). */
    private static PassControl control(Runnable onProgress) {
        return new PassControl() {
            @Override
            public void total(long bytes) {
            }

            @Override
            public void progress(long bytes) {
                onProgress.run();
            }

            @Override
            public void closeOnStop(AutoCloseable stream) {
            }
        };
    }

    private CopyPass pass(Path source, Path target, boolean last, Runnable onProgress) {
        return new FileTreeCopier().copy(ShareFiles.local(source), ShareFiles.local(target), last, control(onProgress));
    }

    /** Temporary files come and go on a share that stays writable: one deleted after the listing is simply left out. */
    @Test
    void filesDeletedDuringAPassAreLeftOut() throws IOException {
        Path source = Files.createDirectories(root.resolve("source/dir"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(source.resolve("tmp-" + i), "scratch " + i);
        }
        Path target = root.resolve("target");
        boolean[] deleted = {false};
        pass(root.resolve("source"), target, false, () -> {
            if (!deleted[0]) { // the first file copied: the rest of the directory goes, that file too
                deleted[0] = true;
                try (Stream<Path> files = Files.list(source)) {
                    files.forEach(file -> file.toFile().delete());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        assertThat(target.resolve("dir")).isEmptyDirectory();
    }

    /** The last pass runs with the source read-only: a file that goes under it fails the pass, as a change does. */
    @Test
    void theLastPassFailsWhenAFileGoesUnderIt() throws IOException {
        Path source = Files.createDirectories(root.resolve("source/dir"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(source.resolve("file-" + i), "data " + i);
        }
        boolean[] deleted = {false};
        assertThatThrownBy(() -> pass(root.resolve("source"), root.resolve("target"), true, () -> {
            if (!deleted[0]) {
                deleted[0] = true;
                try (Stream<Path> files = Files.list(source)) {
                    files.forEach(file -> file.toFile().delete());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        })).isInstanceOf(UncheckedIOException.class);
    }

    /** A group's shared directory and a shared scratch space keep their set-group-id and sticky bits; files never keep set-id bits. */
    @Test
    void directoriesKeepSetGroupIdAndStickyBitsAndFilesLoseSetIdBits() throws IOException {
        Path source = root.resolve("source");
        Path group = Files.createDirectories(source.resolve("group"));
        Path scratch = Files.createDirectories(source.resolve("scratch"));
        Path tool = Files.writeString(source.resolve("tool"), "#!/bin/sh\n");
        Files.setAttribute(group, "unix:mode", 02775);
        Files.setAttribute(scratch, "unix:mode", 01777);
        Files.setAttribute(tool, "unix:mode", 04755);
        Path target = root.resolve("target");
        pass(source, target, false, () -> { });
        assertThat(mode(target.resolve("group"))).isEqualTo(02775);
        assertThat(mode(target.resolve("scratch"))).isEqualTo(01777);
        assertThat(mode(target.resolve("tool"))).isEqualTo(0755);
    }

    /** A link standing where a file's copy goes is replaced, never written through. */
    @Test
    void aLinkInTheDestinationIsReplacedNotFollowed() throws IOException {
        Path outside = Files.writeString(root.resolve("outside-secret"), "host's own");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-------"));
        Path source = Files.createDirectories(root.resolve("source"));
        Files.writeString(source.resolve("file"), "tenant's data");
        Files.setPosixFilePermissions(source.resolve("file"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Path target = Files.createDirectories(root.resolve("target"));
        Files.createSymbolicLink(target.resolve("file"), outside);
        pass(source, target, false, () -> { });
        assertThat(outside).hasContent("host's own");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outside))).isEqualTo("rw-------");
        assertThat(Files.isSymbolicLink(target.resolve("file"))).isFalse();
        assertThat(target.resolve("file")).hasContent("tenant's data");
        try (Stream<Path> entries = Files.list(target)) {
            assertThat(entries).as("no partial copy left").extracting(path -> path.getFileName().toString())
                    .containsExactly("file");
        }
    }

    /** The last pass runs with the source read-only: a file that still changes fails it, instead of a stale copy. */
    @Test
    void theLastPassFailsWhenAFileChangesUnderIt() throws IOException {
        Path source = Files.createDirectories(root.resolve("source"));
        Path file = Files.write(source.resolve("growing"), new byte[200_000]);
        Path target = root.resolve("target");
        boolean[] written = {false};
        Runnable writer = () -> {
            if (written[0]) {
                return;
            }
            written[0] = true; // once: the copy reads to the end of a file, and a writer it chased would keep it going
            try {
                Files.writeString(file, "more", StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        assertThatThrownBy(() -> pass(source, target, true, writer)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("changed during the last pass");
        assertThat(target.resolve("growing")).doesNotExist();
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }
}
