package org.manilaj.driver.linux;

import java.util.List;
import java.util.function.Consumer;

/**
 * One command of a driver operation on a host, with what the driver makes of its result: {@code check} throws when the
 * command failed (or failed in a way that matters). Steps that follow each other can share one invocation on
 * the host ({@link RemoteHost#runInTurn}).
 *
 * @param stdin the command's input, or null for none
 */
public record HostStep(List<String> argv, byte[] stdin, Consumer<CommandResult> check) {
    public HostStep {
        argv = List.copyOf(argv);
    }
}
