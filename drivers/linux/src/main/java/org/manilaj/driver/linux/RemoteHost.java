package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.List;

/**
 * The one port through which the Linux driver touches a storage host. Commands are argv lists, never
 * shell strings: implementations quote them (if they need a shell at all) in exactly one place.
 */
public interface RemoteHost extends AutoCloseable {

    /**
     * Runs {@code argv} with {@code stdin} (or nothing) on its standard input and waits for it, at most
     * {@code timeout}.
     *
     * @return the result, whatever the exit status
     * @throws CommandFailedException when the command cannot be started or times out
     */
    CommandResult run(List<String> argv, byte[] stdin, Duration timeout);

    /** Runs {@code argv} with no input. */
    default CommandResult run(List<String> argv, Duration timeout) {
        return run(argv, null, timeout);
    }

    /**
     * Runs the steps one after the other and gives each its result; a command that fails stops the ones after it,
     * and its check throws unless it accepts that failure (the rest then run). A host reached over a connection runs
     * them as one invocation (on a storage host each costs a channel, a shell and {@code timeout} before the command
     * even starts), so the checks run once the commands have: a check must not throw for a command that succeeded
     * (a step that needs more than its exit status is run alone). Only the last step may read input.
     */
    default void runInTurn(List<HostStep> steps, Duration timeout) {
        for (HostStep step : steps) {
            step.check().accept(run(step.argv(), step.stdin(), timeout));
        }
    }

    /** Runs {@code argv} and throws {@link CommandFailedException} unless it exits with 0. */
    default CommandResult check(List<String> argv, Duration timeout) {
        return run(argv, null, timeout).orThrow(describe());
    }

    /**
     * Starts {@code argv} with its standard input and output as streams (a snapshot sent or received), for at
     * most {@code timeout}; its error output is kept for the failure message.
     */
    org.manilaj.driver.ByteStream start(List<String> argv, Duration timeout);

    /** How a file-level copy reaches {@code directory} on this host. */
    org.manilaj.driver.ShareFiles files(String directory);

    /** Sessions to the host busy now; 0 for a host reached without them. */
    default int sessionsInUse() {
        return 0;
    }

    /** A short description for logs, e.g. {@code ssh://manila@192.0.2.10:22}. */
    String describe();

    @Override
    void close();
}
