package org.manilaj.driver.linux;

import java.util.List;

/** The outcome of one command on a host. */
public record CommandResult(List<String> argv, int exitStatus, String stdout, String stderr) {
    public CommandResult {
        argv = List.copyOf(argv);
    }

    public boolean succeeded() {
        return exitStatus == 0;
    }

    /** Returns this result if the command succeeded, else throws with everything an operator needs. */
    public CommandResult orThrow(String host) {
        if (!succeeded()) {
            throw new CommandFailedException(host + ": " + ShellQuoting.join(argv) + " exited with " + exitStatus
                    + ": " + stderr.strip());
        }
        return this;
    }
}
