package org.manilaj.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.manilaj.driver.linux.TestLab;

/**
 * A real NFS client for system tests: libnfs's {@code nfs-cp}/{@code nfs-ls} (NFSv3), from a chosen
 * source address through the lab's {@code bindsrc} shim, and FUSE mounts through the lab's
 * {@code fusenfs.py}.
 */
final class NfsClient {
    private final String sourceAddress;

    NfsClient(String sourceAddress) {
        this.sourceAddress = sourceAddress;
    }

    /** {@code nfs://host/path?...} of an export location {@code host:/path}, NFSv3 on the lab's ports. */
    static String url(String exportLocation, String file) {
        int colon = exportLocation.indexOf(':');
        return "nfs://" + exportLocation.substring(0, colon) + exportLocation.substring(colon + 1)
                + (file == null ? "" : "/" + file) + "?nfsport=2049&mountport=20048";
    }

    /** Copies a local file into the share; true when the copy succeeded. */
    boolean copyIn(Path local, String exportLocation, String name) {
        return run(List.of("nfs-cp", local.toString(), url(exportLocation, name))).exitCode == 0;
    }

    /** Copies a file of the share to {@code local}; true when the copy succeeded. */
    boolean copyOut(String exportLocation, String name, Path local) {
        return run(List.of("nfs-cp", url(exportLocation, name), local.toString())).exitCode == 0;
    }

    /** Lists the share; true when the server let this client in. */
    boolean canList(String exportLocation) {
        return run(List.of("nfs-ls", url(exportLocation, null))).exitCode == 0;
    }

    /** Mounts the share with FUSE at {@code mountPoint} (NFSv3); unmount with {@link #unmount}. */
    void mount(String exportLocation, Path mountPoint) {
        Outcome outcome = run(List.of("/usr/bin/python3", TestLab.LAB.resolve("bin/fusenfs.py").toString(),
                url(exportLocation, null), mountPoint.toString()));
        if (outcome.exitCode != 0) {
            throw new IllegalStateException("FUSE mount failed: " + outcome.output);
        }
    }

    static void unmount(Path mountPoint) {
        new NfsClient(null).run(List.of("fusermount", "-u", mountPoint.toString()));
    }

    record Outcome(int exitCode, String output) {
    }

    Outcome run(List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(argv)).redirectErrorStream(true);
        if (sourceAddress != null) {
            builder.environment().put("BIND_SRC", sourceAddress);
            builder.environment().put("LD_PRELOAD", TestLab.LAB.resolve("bin/bindsrc.so").toString());
        }
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + argv);
            }
            return new Outcome(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A local file of {@code bytes} bytes of zeros (sparse locally; sent in full over NFS). */
    static Path zeros(Path directory, String name, long bytes) {
        try {
            Path file = directory.resolve(name);
            try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(0);
                channel.position(bytes - 1);
                channel.write(java.nio.ByteBuffer.wrap(new byte[1]));
            }
            return Files.exists(file) ? file : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
