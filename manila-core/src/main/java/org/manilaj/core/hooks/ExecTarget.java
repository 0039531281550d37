package org.manilaj.core.hooks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Runs the hook's command (no shell: the program and its arguments as configured) with the event as JSON on its
 * standard input; delivered when it exits 0 within the timeout. Its output is discarded: it never reaches a log
 * line or an answer a tenant reads.
 */
final class ExecTarget implements HookTarget {
    private final HookSpec spec;

    ExecTarget(HookSpec spec) {
        this.spec = spec;
    }

    @Override
    public void deliver(String eventId, String eventType, String payload) {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(spec.command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("MANILA_EVENT_ID", eventId);
            builder.environment().put("MANILA_EVENT_TYPE", eventType);
            process = builder.start();
        } catch (IOException e) {
            throw new Refused("cannot start the command: " + e.getClass().getSimpleName());
        }
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(payload.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // a command that does not read its input may close it early: its exit code decides
        }
        try {
            if (!process.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new Refused("timed out after " + spec.timeout().toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
        if (process.exitValue() != 0) {
            throw new Refused("exit code " + process.exitValue());
        }
    }
}
