package org.manilaj.driver.linux;

import java.util.List;

/**
 * Ganesha needs a numeric Export_Id (1..65535) per export, unique on the host. Ids are claimed on the
 * host itself, as symbolic links {@code <dir>/<id> -> <shareId>}: creating a link is atomic, so two
 * service nodes creating shares on one host at once can never take the same id.
 */
final class GaneshaExportIds {
    private static final int FIRST = 100;
    private static final int LAST = 65_535;

    private final String directory;

    /** Where the claims live ({@code <dir>/<id> -> <shareId>}). */
    String directory() {
        return directory;
    }

    GaneshaExportIds(String directory) {
        this.directory = directory;
    }

    /**
     * Shell fragment that finds the share's claim or makes one: the first free id from {@code FIRST} up
     * whose link {@code ln -s} can create (creating a link is atomic, so a race with another node just
     * moves on to the next id). Reads {@code $dir $share $id $last}; leaves the claimed id in {@code $id}, and
     * in {@code $claimed_before} too when the claim was made before (empty when it was made just now).
     */
    static final String CLAIM = String.join("\n",
            "[ -d \"$dir\" ] || mkdir -p -- \"$dir\"",
            "claimed_before=$(find \"$dir\" -mindepth 1 -maxdepth 1 -type l -lname \"$share\" -printf '%f' -quit)",
            "if [ -n \"$claimed_before\" ]; then id=$claimed_before; else",
            // ids taken are skipped by the shell's own test (each program started costs milliseconds on a host)
            "while [ \"$id\" -le \"$last\" ]; do",
            "  if [ -L \"$dir/$id\" ] || [ -e \"$dir/$id\" ]; then id=$((id + 1)); continue; fi",
            "  ln -s -- \"$share\" \"$dir/$id\" 2>/dev/null && break",
            "  id=$((id + 1))",
            "done",
            "[ \"$id\" -le \"$last\" ] || { echo 'no free export id' >&2; exit 1; }",
            "fi");

    /** The arguments {@link #CLAIM} reads: {@code dir share id last} (it leaves the share's id in {@code $id}). */
    List<String> claimArguments(String shareId) {
        return List.of(directory, shareId, Integer.toString(FIRST), Integer.toString(LAST));
    }
}
