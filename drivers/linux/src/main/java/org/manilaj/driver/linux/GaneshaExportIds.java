package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.List;

/**
 * Ganesha needs a numeric Export_Id (1..65535) per export, unique on the host. Ids are claimed on the
 * host itself, as symbolic links {@code <dir>/<id> -> <shareId>}: creating a link is atomic, so two
 * service nodes creating shares on one host at once can never take the same id.
 */
final class GaneshaExportIds {
    private static final int FIRST = 100;
    private static final int LAST = 65_535;

    private final RemoteHost host;
    private final Duration timeout;
    private final String directory;

    /** Where the claims live ({@code <dir>/<id> -> <shareId>}). */
    String directory() {
        return directory;
    }

    GaneshaExportIds(RemoteHost host, Duration timeout, String directory) {
        this.host = host;
        this.timeout = timeout;
        this.directory = directory;
    }

    /**
     * Finds the share's claim or makes one, on the host in one invocation: the first free id from
     * {@code FIRST} up whose link {@code ln -s} can create (creating a link is atomic, so a race with
     * another node just moves on to the next id). A fixed script; the values are arguments.
     */
    private static final String CLAIM = String.join("\n",
            "set -e",
            "dir=$1; share=$2; id=$3; last=$4",
            "mkdir -p -- \"$dir\"",
            "claims=$(find \"$dir\" -mindepth 1 -maxdepth 1 -type l -printf '%f %l\\n')",
            "mine=$(printf '%s\\n' \"$claims\" | awk -v s=\"$share\" '$2 == s {print $1; exit}')",
            "[ -n \"$mine\" ] && { echo \"$mine\"; exit 0; }",
            "used=\" $(printf '%s\\n' \"$claims\" | awk '{print $1}' | tr '\\n' ' ') \"",
            "while [ \"$id\" -le \"$last\" ]; do",
            "  case \"$used\" in *\" $id \"*) id=$((id + 1)); continue;; esac",
            "  ln -s -- \"$share\" \"$dir/$id\" 2>/dev/null && { echo \"$id\"; exit 0; }",
            "  id=$((id + 1))",
            "done",
            "echo 'no free export id' >&2; exit 1");

    /** The share's id, claiming the smallest free one if it has none yet. */
    int claim(String shareId) {
        String out = host.check(List.of("sh", "-c", CLAIM, "claim-export-id", directory, shareId, Integer.toString(FIRST),
                Integer.toString(LAST)), timeout).stdout().trim();
        if (!out.matches("\\d{1,5}")) {
            throw new CommandFailedException(host.describe() + ": unexpected export id '" + out + "' for " + shareId);
        }
        return Integer.parseInt(out);
    }
}
