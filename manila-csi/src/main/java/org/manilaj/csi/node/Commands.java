package org.manilaj.csi.node;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command from an argument list (never through a shell), bounded in time. Output goes to a file,
 * not a pipe: a mount helper that leaves a daemon behind (FUSE) must not keep us reading.
 */
final class Commands {
    private Commands() {
    }

    /** The command's output (first 4 KiB) and exit status. */
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    static Result run(List<String> argv, Duration timeout) {
        Path output = null;
        Process process = null;
        try {
            output = Files.createTempFile("manila-csi-cmd", ".out");
            process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(new File("/dev/null")).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Result(124, argv.get(0) + " timed out after " + timeout.toSeconds() + " s");
            }
            byte[] bytes = Files.readAllBytes(output);
            String text = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8).trim();
            return new Result(process.exitValue(), text);
        } catch (IOException e) {
            return new Result(127, argv.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Result(130, "interrupted");
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }
}
