package org.manilaj.driver.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's fixed shell scripts, by name. Values always travel as arguments, never pasted into a
 * script. As root a script runs as {@code sh -c <script> <name> <args>}; with {@code ssh.sudo} it runs
 * as {@code sudo -n <script_dir>/<name> <args>}, from files that {@link #install} wrote from these same
 * texts, so that sudoers can name each one.
 */
public final class HostScripts {
    /** Share ids are UUIDs: every script that is given one checks it again before it touches anything. */
    static final String CHECK_SHARE_ID = String.join("\n",
            "case \"$share\" in",
            "  ''|*[!0-9a-f-]*) echo \"invalid share id\" >&2; exit 2;;",
            "esac",
            "case \"$conf\" in",
            "  /*/\"$share.conf\") ;;",
            "  *) echo \"invalid export file\" >&2; exit 2;;",
            "esac");

    /** Mounts the subvolume at its export path unless it is mounted already. */
    private static final String MOUNT = String.join("\n",
            "if ! mountpoint -q \"$mnt\"; then",
            "  id=$(btrfs inspect-internal rootid \"$dir\")",
            "  dev=$(findmnt -n -o SOURCE --target \"$root\")",
            "  mkdir -p \"$mnt\"",
            "  mount -o \"subvolid=$id\" \"${dev%%[*}\" \"$mnt\"",
            "fi");

    /**
     * Creates the subvolume (unless it exists), sets its limit and mounts it for export. A new share's
     * root is mode 1777 (as /tmp), so that clients whose root is squashed can still write.
     */
    static final String CREATE_SHARE = "manila-create-share";
    static final String DELETE_SHARE = "manila-delete-share";
    static final String MOUNT_SHARE = "manila-mount-share";
    static final String APPLY_EXPORT = "manila-apply-export";
    static final String REMOVE_EXPORT = "manila-remove-export";

    private static final Map<String, String> SCRIPTS = new LinkedHashMap<>();

    static {
        SCRIPTS.put(CREATE_SHARE, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; limit=$4",
                "if ! btrfs subvolume show \"$dir\" >/dev/null 2>&1; then",
                "  btrfs -q subvolume create \"$dir\"",
                "  chmod 1777 \"$dir\"",
                "fi",
                "id=$(btrfs inspect-internal rootid \"$dir\")",
                "btrfs qgroup limit \"$limit\" \"0/$id\" \"$root\"",
                MOUNT));
        // Unmounts (never rm -r: if the unmount had not happened, this must not touch the data), deletes the
        // subvolume with an immediate commit (-c: without it the cleaner waits for the next periodic commit),
        // waits for the cleaner and drops the qgroup, so that nothing stays behind.
        SCRIPTS.put(DELETE_SHARE, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3",
                "if mountpoint -q \"$mnt\"; then umount \"$mnt\"; fi",
                "if [ -e \"$mnt\" ]; then rmdir -- \"$mnt\"; fi",
                "btrfs subvolume show \"$dir\" >/dev/null 2>&1 || exit 0",
                "id=$(btrfs inspect-internal rootid \"$dir\")",
                "btrfs -q subvolume delete -c \"$dir\"",
                "btrfs subvolume sync \"$root\" \"$id\" >/dev/null",
                "btrfs qgroup destroy \"0/$id\" \"$root\" 2>/dev/null || true"));
        SCRIPTS.put(MOUNT_SHARE, String.join("\n", "set -e", "root=$1; dir=$2; mnt=$3", MOUNT));
        // Claims the share's export id (the first time), writes its block (standard input, with the id filled
        // in), then loads it over D-Bus, as an update when Ganesha has it already.
        SCRIPTS.put(APPLY_EXPORT, String.join("\n",
                "set -e",
                "conf=$1; dir=$2; share=$3; id=$4; last=$5",
                CHECK_SHARE_ID,
                GaneshaExportIds.CLAIM,
                "sed \"s/@EXPORT_ID@/$id/\" > \"$conf.new\"",
                "mv -f -- \"$conf.new\" \"$conf\"",
                "mgr='org.ganesha.nfsd.exportmgr'",
                "send() { dbus-send --system --print-reply --dest=org.ganesha.nfsd /org/ganesha/nfsd/ExportMgr \"$@\" >/dev/null; }",
                "if send \"$mgr.DisplayExport\" \"uint16:$id\" 2>/dev/null; then",
                "  send \"$mgr.UpdateExport\" \"string:$conf\" \"string:EXPORT(Export_Id=$id)\"",
                "else",
                "  send \"$mgr.AddExport\" \"string:$conf\" \"string:EXPORT(Export_Id=$id)\"",
                "fi",
                "echo \"$id\""));
        // Removes the export from Ganesha (one it does not know is fine), its file and its id claim.
        SCRIPTS.put(REMOVE_EXPORT, String.join("\n",
                "set -e",
                "ids=$1; share=$2; conf=$3",
                CHECK_SHARE_ID,
                "id=$(find \"$ids\" -mindepth 1 -maxdepth 1 -type l -lname \"$share\" -printf '%f' 2>/dev/null || true)",
                "if [ -n \"$id\" ]; then",
                "  if ! out=$(dbus-send --system --print-reply --dest=org.ganesha.nfsd /org/ganesha/nfsd/ExportMgr"
                        + " org.ganesha.nfsd.exportmgr.RemoveExport \"uint16:$id\" 2>&1); then",
                "    case \"$out\" in *'not found'*) ;; *) echo \"$out\" >&2; exit 1;; esac",
                "  fi",
                "fi",
                "rm -f -- \"$conf\" \"$conf.new\"",
                "[ -z \"$id\" ] || rm -f -- \"$ids/$id\""));
    }

    private HostScripts() {
    }

    /** The argv that runs script {@code name} with {@code args}: {@code sh -c <script> <name> <args>}. */
    static List<String> argv(String name, String... args) {
        String script = SCRIPTS.get(name);
        if (script == null) {
            throw new IllegalArgumentException("no host script " + name);
        }
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script, name));
        argv.addAll(List.of(args));
        return argv;
    }

    public static Map<String, String> all() {
        return Map.copyOf(SCRIPTS);
    }

    /** The plain commands the driver runs as root besides its scripts, as sudoers names them. */
    private static final List<String> SUDO_COMMANDS = List.of(
            "/usr/bin/btrfs qgroup limit *", "/usr/bin/btrfs qgroup show *", "/usr/bin/btrfs inspect-internal rootid *",
            "/usr/bin/sync -f *", "/usr/bin/df -P -B1 -- *", "/usr/bin/du -s -B1 -- *", "/usr/bin/mkdir -- *",
            "/usr/bin/rm -rf --one-file-system -- *", "/usr/bin/test -d *");

    /**
     * A sudoers file that lets {@code user} run exactly the driver's commands as root, without a
     * password: its five scripts in {@code scriptDir} and the plain commands above, nothing else.
     */
    public static String sudoers(String user, String scriptDir) {
        if (!user.matches("[a-z_][a-z0-9_-]*") || !scriptDir.matches("(/[A-Za-z0-9._-]+)+")) {
            throw new IllegalArgumentException("unsafe user or script directory for sudoers");
        }
        List<String> commands = new ArrayList<>();
        SCRIPTS.keySet().forEach(name -> commands.add(scriptDir + "/" + name));
        commands.addAll(SUDO_COMMANDS);
        return "# Manila-J storage driver: the commands its SSH user may run as root, and only these.\n"
                + "Defaults:" + user + " !requiretty\n"
                + user + " ALL=(root) NOPASSWD: " + String.join(", \\\n    ", commands) + "\n";
    }

    /** Writes every script as an executable file of {@code directory} (for {@code ssh.sudo}), owner-writable only. */
    public static List<Path> install(Path directory) throws IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> script : SCRIPTS.entrySet()) {
            Path file = directory.resolve(script.getKey());
            Files.writeString(file, "#!/bin/sh\n" + script.getValue() + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            written.add(file);
        }
        return written;
    }
}
