package org.manilaj.core.hooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the hook's command (no shell: the program and its arguments as configured) with the event as JSON on its
 * standard input; delivered when it exits 0 within the timeout. Its output is discarded (a pre-hook's is read only
 * for the {@code reason} of a refusal): it never reaches a log line or an answer a tenant reads.
 */
final class ExecTarget implements HookTarget {
    /**
     * Writes the commands' input and reads their output: threads of their own, since a write can stay blocked for as
     * long as a child the command left behind holds its input unread, and must never hold up another hook's.
     */
    private static final ExecutorService PIPES = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "hook-exec-pipe");
        thread.setDaemon(true);
        return thread;
    });

    private final HookSpec spec;

    ExecTarget(HookSpec spec) {
        this.spec = spec;
    }

    @Override
    public void deliver(String eventId, String eventType, String payload) {
        Ran ran = run(eventId, eventType, payload, false);
        if (ran.exit() != 0) {
            throw new Refused("exit code " + ran.exit());
        }
    }

    /**
     * Exit 0 allows; exit 1 refuses, with the {@code reason} of a JSON object on its standard output (nothing else it
     * writes is read); another exit code or a timeout is no answer.
     */
    @Override
    public Answer ask(String requestId, String request, String payload) {
        Ran ran;
        try {
            ran = run(requestId, request, payload, true);
        } catch (Refused e) {
            return Answer.noAnswer(e.getMessage());
        }
        return switch (ran.exit()) {
            case 0 -> Answer.ALLOW;
            case 1 -> Answer.deny(HookReason.fromJson(ran.output()));
            default -> Answer.noAnswer("exit code " + ran.exit());
        };
    }

    /** How a run ended: its exit code and (when kept) the first 4 KiB of its standard output. */
    private record Ran(int exit, String output) {
    }

    private Ran run(String eventId, String eventType, String payload, boolean keepOutput) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(spec.command())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            if (!keepOutput) {
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            builder.environment().put("MANILA_EVENT_ID", eventId);
            builder.environment().put("MANILA_EVENT_TYPE", eventType);
            process = builder.start();
        } catch (IOException e) {
            throw new Refused("cannot start the command: " + e.getClass().getSimpleName());
        }
        // written beside the wait: a command that never reads a payload larger than a pipe holds is still timed out
        CompletableFuture.runAsync(() -> writeInput(process, payload), PIPES);
        CompletableFuture<String> output = keepOutput ? CompletableFuture.supplyAsync(() -> firstBytes(process), PIPES)
                : CompletableFuture.completedFuture("");
        try {
            if (!process.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new Refused("timed out after " + spec.timeout().toMillis() + " ms", true);
            }
            return new Ran(process.exitValue(), output.get(1, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return new Ran(process.exitValue(), "");
        }
    }

    private static void writeInput(Process process, String payload) {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(payload.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // a command that does not read its input may close it early (or be killed): its exit code decides
        }
    }

    /** The command and whatever it started (a script's children would otherwise outlive it). */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String firstBytes(Process process) {
        try (InputStream stdout = process.getInputStream()) {
            byte[] kept = stdout.readNBytes(4096);
            stdout.transferTo(OutputStream.nullOutputStream()); // the rest is read and dropped, so the command never blocks
            return new String(kept, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
