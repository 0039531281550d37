package org.manilaj.driver.linux;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The only place where an argv becomes a shell command line (SSH's exec request takes one string that
 * the remote login shell parses). Every argument is single-quoted, so no value can be interpreted by
 * the shell, whatever it contains.
 */
public final class ShellQuoting {
    private ShellQuoting() {
    }

    public static String quote(String argument) {
        if (argument.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL byte in a command argument");
        }
        return "'" + argument.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        return argv.stream().map(ShellQuoting::quote).collect(Collectors.joining(" "));
    }
}
