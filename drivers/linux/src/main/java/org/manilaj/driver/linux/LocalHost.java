package org.manilaj.driver.linux;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.manilaj.driver.TimedOutException;

/** Runs commands on this machine, without a shell: argv goes straight to the kernel. */
public final class LocalHost implements RemoteHost {
    private static final ExecutorService READERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "local-host-pipe");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public CommandResult run(List<String> argv, byte[] stdin, Duration timeout) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(argv);
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            process = builder.start();
            if (stdin != null) {
                try (OutputStream input = process.getOutputStream()) {
                    input.write(stdin);
                }
            }
        } catch (IOException e) {
            throw new CommandFailedException("cannot start " + ShellQuoting.join(argv), e);
        }
        // Drain both pipes on other threads so that the timeout holds and a full pipe cannot block.
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readFully(process.getInputStream()), READERS);
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readFully(process.getErrorStream()), READERS);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killWithChildren(process);
                throw new TimedOutException("timed out after " + timeout + " and was stopped: " + ShellQuoting.join(argv), true);
            }
            return new CommandResult(argv, process.exitValue(), stdout.get(), stderr.get());
        } catch (InterruptedException e) {
            killWithChildren(process);
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted: " + ShellQuoting.join(argv), e);
        } catch (ExecutionException e) {
            throw new CommandFailedException("cannot read the output of " + ShellQuoting.join(argv), e);
        }
    }

    @Override
    public org.manilaj.driver.ByteStream start(List<String> argv, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            throw new CommandFailedException("cannot start " + ShellQuoting.join(argv), e);
        }
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readFully(process.getErrorStream()), READERS);
        long deadline = System.nanoTime() + timeout.toNanos();
        return new org.manilaj.driver.ByteStream() {
            @Override
            public InputStream output() {
                return process.getInputStream();
            }

            @Override
            public OutputStream input() {
                return process.getOutputStream();
            }

            @Override
            public void await(Duration wait) {
                try {
                    process.getOutputStream().close();
                    long left = Math.min(wait.toNanos(), deadline - System.nanoTime());
                    if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                        killWithChildren(process);
                        throw new TimedOutException("timed out and was stopped: " + ShellQuoting.join(argv), true);
                    }
                    new CommandResult(argv, process.exitValue(), "", stderr.get(5, TimeUnit.SECONDS)).orThrow(describe());
                } catch (IOException | ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new CommandFailedException("cannot finish " + ShellQuoting.join(argv) + ": " + e, e);
                } catch (InterruptedException e) {
                    killWithChildren(process);
                    Thread.currentThread().interrupt();
                    throw new CommandFailedException("interrupted: " + ShellQuoting.join(argv), e);
                }
            }

            @Override
            public void close() {
                if (process.isAlive()) {
                    killWithChildren(process);
                }
            }
        };
    }

    /** The command and everything it started: nothing keeps running after we gave up on it. */
    private static void killWithChildren(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String readFully(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public org.manilaj.driver.ShareFiles files(String directory) {
        return org.manilaj.driver.ShareFiles.local(java.nio.file.Path.of(directory));
    }

    @Override
    public String describe() {
        return "local";
    }

    @Override
    public void close() {
    }
}
