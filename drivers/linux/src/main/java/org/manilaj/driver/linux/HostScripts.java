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
    /**
     * Where an installed script checks its arguments (a line of its own in every script; inline, run as
     * root, it is left out: root needs no fence).
     */
    private static final String CONFINE = "@CONFINE@";
    private static final String PATH = "(/[A-Za-z0-9._-]+)+";

    /**
     * Mounts the subvolume at its export path unless it is mounted already; {@code $id} is the subvolume's id when the
     * script read it already (every script that mounts sets it just before, to that or to nothing). On these hosts each program started costs 2-4 ms, so the scripts start none
     * that a shell test or a value at hand can stand for.
     */
    private static final String MOUNT = String.join("\n",
            "if [ ! -e \"$mnt\" ] || ! mountpoint -q \"$mnt\"; then",
            "  [ -n \"$id\" ] || id=$(btrfs inspect-internal rootid \"$dir\")",
            "  dev=$(findmnt -n -o SOURCE --target \"$root\")",
            "  mkdir -p \"$mnt\"",
            // no set-id program or device file a tenant (or a received stream) planted works on the host
            "  mount -o \"subvolid=$id,nosuid,nodev\" \"${dev%%[*}\" \"$mnt\"",
            "fi");

    /**
     * Creates the subvolume (unless it exists, or the storage root has fewer bytes free than the sixth argument),
     * sets its limit and mounts it for export. The share's root gets the mode its fifth argument names: 1777 (as
     * /tmp) unless the create asked for another, so that clients whose root is squashed can still write.
     */
    static final String CREATE_SHARE = "manila-create-share";
    static final String DELETE_SHARE = "manila-delete-share";
    static final String MOUNT_SHARE = "manila-mount-share";
    static final String APPLY_EXPORT = "manila-apply-export";
    static final String REMOVE_EXPORT = "manila-remove-export";
    static final String RESIZE_SHARE = "manila-resize-share";
    static final String SNAPSHOT_SHARE = "manila-snapshot-share";
    static final String DELETE_SNAPSHOT = "manila-delete-snapshot";
    static final String LIST_SNAPSHOTS = "manila-list-snapshots";
    static final String SEND_SNAPSHOT = "manila-send-snapshot";
    static final String RECEIVE_SNAPSHOT = "manila-receive-snapshot";
    static final String ADOPT_SNAPSHOT = "manila-adopt-snapshot";
    static final String RESTORE_SNAPSHOT = "manila-restore-snapshot";
    static final String REPLACE_FROM_SNAPSHOT = "manila-replace-from-snapshot";
    static final String SET_READONLY = "manila-set-readonly";
    static final String LIST_TREE = "manila-list-tree";
    static final String PACK_TREE = "manila-pack-tree";
    static final String UNPACK_TREE = "manila-unpack-tree";
    static final String REMOVE_PATHS = "manila-remove-paths";
    /** {@code <referenced bytes> <share id>} for every subvolume directly under each root given, after a sync. */
    static final String SHARE_USAGE = "manila-share-usage";

    /** What a host holds, for the audit: its storage roots' entries, their snapshots, its export files. */
    static final String INVENTORY = "manila-inventory";

    /** Where a storage root keeps the service's snapshots: not a share id, so never taken for a share. */
    static final String SNAPSHOT_DIR = ".manila-snapshots";

    /** The purpose of the name a promotion gives a replaced share's old subvolume until it is deleted. */
    static final String RETIRED = "retired";

    /** Refuses to make the share where something that is not its subvolume stands (btrfs would nest it inside). */
    private static final String NOT_A_STRAY_DIRECTORY = String.join("\n",
            "if [ -e \"$dir\" ] && ! btrfs subvolume show \"$dir\" >/dev/null 2>&1; then",
            "  echo \"$dir exists and is not the share's subvolume\" >&2; exit 1",
            "fi");

    /**
     * One script at a time on a share's subvolume (refresh, replace, delete): one a killed service left running
     * must not undo a newer one. Whatever it was waiting to do is checked again once it holds the lock.
     */
    private static final String LOCKED = String.join("\n",
            "exec 9>\"$snaps/.${dir##*/}.lock\"",
            "flock 9");

    /** The snapshot directory, made root's alone: what snapshots hold (tenants' files) is no other host user's. */
    private static final String SNAPSHOTS_MADE = String.join("\n",
            "[ -d \"$snaps\" ] || mkdir -p -m 700 \"$snaps\"", // its mode set as it is made
            "chmod 700 \"$snaps\""); // and put back on one made before that

    /**
     * Removes snapshot {@code $snaps/$name} if it exists, without waiting for btrfs's cleaner (a pass must not
     * wait for the last one's blocks to be freed); qgroups the cleaner has finished with are dropped.
     */
    private static final String DROP_SNAPSHOT = String.join("\n",
            "if btrfs subvolume show \"$snaps/$name\" >/dev/null 2>&1; then",
            "  btrfs -q subvolume delete -c \"$snaps/$name\"",
            "fi",
            "btrfs qgroup clear-stale \"$root\" >/dev/null 2>&1 || true");

    /**
     * The kernel drops the qgroup of a deleted subvolume or snapshot by itself, and when its blocks are not all
     * freed yet it marks every quota of the filesystem inconsistent: limits are then not enforced at all until
     * a rescan. Deletes start one (it runs in the kernel); creates wait for it, so that a new share's size holds.
     */
    private static final String QUOTAS_INCONSISTENT =
            "case \"$(btrfs qgroup show -f \"$root\" 2>&1 >/dev/null)\" in *[Ii][Nn][Cc][Oo][Nn][Ss][Ii][Ss][Tt][Ee][Nn][Tt]*) true;;"
                    + " *) false;; esac";
    private static final String START_QUOTA_RESCAN = String.join("\n",
            "if " + QUOTAS_INCONSISTENT + "; then",
            "  echo 'quotas inconsistent after a delete: rescanning' >&2",
            "  btrfs quota rescan \"$root\" >/dev/null 2>&1 || true",
            "fi");
    private static final String AWAIT_CONSISTENT_QUOTAS = String.join("\n",
            "if " + QUOTAS_INCONSISTENT + "; then",
            "  echo 'quotas inconsistent: waiting for a rescan before the limit is set' >&2",
            // bounded: a rescan of a large filesystem must not hold every create; the limit is set anyway after it
            "  timeout 120 btrfs quota rescan -w \"$root\" >/dev/null 2>&1 || timeout 120 btrfs quota rescan -W \"$root\""
                    + " >/dev/null 2>&1 || echo 'quota rescan still running: the limit holds once it ends' >&2",
            "fi");

    /** A script's exit status when the storage root has too little free space (ENOSPC's number). */
    static final int NO_SPACE = 28;

    /**
     * Refuses before anything changes when the storage root has fewer than {@code $need} bytes free: btrfs lets a
     * subvolume be made and a limit be raised on a full file system, and the tenant finds out only when writes fail.
     */
    private static final String REQUIRE_FREE_SPACE = String.join("\n",
            "case \"$need\" in ''|*[!0-9]*) echo 'invalid free-space argument' >&2; exit 2;; esac",
            // what df reports as available (blocks free to users, times the fragment size), without df and awk
            "fs=$(stat -f -c '%a %S' -- \"$root\")",
            "case \"$fs\" in [0-9]*' '[0-9]*) avail=$(( ${fs% *} * ${fs#* } ));; *) avail=;; esac",
            "case \"$avail\" in ''|*[!0-9]*) echo \"cannot read the free space of $root\" >&2; exit 1;; esac",
            "if [ \"$avail\" -lt \"$need\" ]; then",
            "  echo \"no space left on $root: $avail bytes free, $need wanted\" >&2; exit " + NO_SPACE,
            "fi");

    private static final Map<String, String> SCRIPTS = new LinkedHashMap<>();

    static {
        SCRIPTS.put(CREATE_SHARE, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; limit=$4; mode=$5; need=${6:-0}",
                CONFINE,
                "case \"$mode\" in [0-7][0-7][0-7]|[01][0-7][0-7][0-7]) ;; *) echo 'invalid mode' >&2; exit 2;; esac",
                NOT_A_STRAY_DIRECTORY,
                "if [ ! -e \"$dir\" ]; then",
                REQUIRE_FREE_SPACE,
                "  btrfs -q subvolume create \"$dir\"",
                "fi",
                // every time, so that a create retried after a crash between the two still sets it
                "chmod \"$mode\" \"$dir\"",
                "id=$(btrfs inspect-internal rootid \"$dir\")",
                AWAIT_CONSISTENT_QUOTAS,
                "btrfs qgroup limit \"$limit\" \"0/$id\" \"$root\"",
                MOUNT));
        // Unmounts (never rm -r: if the unmount had not happened, this must not touch the data), deletes the
        // subvolume with an immediate commit (-c: without it the cleaner waits for the next periodic commit),
        // waits for the cleaner and drops the qgroup, so that nothing stays behind.
        SCRIPTS.put(DELETE_SHARE, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3",
                CONFINE,
                "snaps=\"$root/" + SNAPSHOT_DIR + "\"",
                SNAPSHOTS_MADE,
                LOCKED,
                "if mountpoint -q \"$mnt\"; then umount \"$mnt\"; fi",
                "if [ -e \"$mnt\" ]; then rmdir -- \"$mnt\"; fi",
                // the share's snapshots on this host go with it (those a copy or a crash left too)
                "for s in \"$root/" + SNAPSHOT_DIR + "/${dir##*/}@\"*; do",
                "  [ -e \"$s\" ] || continue", // the pattern itself, when nothing matched
                "  if btrfs subvolume show \"$s\" >/dev/null 2>&1; then btrfs -q subvolume delete -c \"$s\"; fi",
                "done",
                // a script waiting for the lock holds the old file: it finds no snapshot and stops
                "rm -f -- \"$snaps/.${dir##*/}.lock\" \"$snaps/.${dir##*/}.changed\"",
                "if ! btrfs subvolume show \"$dir\" >/dev/null 2>&1; then",
                "  btrfs qgroup clear-stale \"$root\" >/dev/null 2>&1 || true",
                START_QUOTA_RESCAN,
                "  exit 0",
                "fi",
                "id=$(btrfs inspect-internal rootid \"$dir\")",
                "btrfs -q subvolume delete -c \"$dir\"",
                "btrfs subvolume sync \"$root\" \"$id\" >/dev/null",
                "btrfs qgroup destroy \"0/$id\" \"$root\" 2>/dev/null || true",
                START_QUOTA_RESCAN));
        SCRIPTS.put(MOUNT_SHARE, String.join("\n", "set -e", "root=$1; dir=$2; mnt=$3; id=", CONFINE, MOUNT));
        // The qgroup-id form: the path form fails while a share is over its limit. Refused when the storage root has
        // fewer bytes free than the fifth argument (an extend asks for the backend's minimum, a shrink for none).
        SCRIPTS.put(RESIZE_SHARE, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; limit=$4; need=${5:-0}",
                CONFINE,
                REQUIRE_FREE_SPACE,
                "id=$(btrfs inspect-internal rootid \"$dir\")",
                AWAIT_CONSISTENT_QUOTAS,
                "btrfs qgroup limit \"$limit\" \"0/$id\" \"$root\""));
        // Snapshots: read-only subvolumes <root>/.manila-snapshots/<share>@<purpose>-<n>, made, sent, received
        // and removed by name; a snapshot exists whole or not at all, except one a receive left half-done,
        // which the next receive of that name removes first.
        SCRIPTS.put(SNAPSHOT_SHARE, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; name=$4",
                CONFINE,
                "snaps=\"$root/" + SNAPSHOT_DIR + "\"",
                SNAPSHOTS_MADE,
                // one of that name is older than the share now (an attempt cut short): taken again, so that a pass
                // never sends, nor a sync records as current, data older than its own start
                "if btrfs subvolume show \"$snaps/$name\" >/dev/null 2>&1; then",
                DROP_SNAPSHOT,
                START_QUOTA_RESCAN,
                "fi",
                "btrfs -q subvolume snapshot -r \"$dir\" \"$snaps/$name\""));
        SCRIPTS.put(DELETE_SNAPSHOT, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; name=$4",
                CONFINE,
                "snaps=\"$root/" + SNAPSHOT_DIR + "\"",
                DROP_SNAPSHOT,
                START_QUOTA_RESCAN));
        SCRIPTS.put(SHARE_USAGE, String.join("\n",
                "set -e",
                CONFINE,
                "for root in \"$@\"; do",
                "  sync -f \"$root\"",
                // read apart from the pipe, so that quotas switched off fail the scan instead of reporting nothing
                "  quotas=$(btrfs qgroup show --raw \"$root\")",
                "  subvolumes=$(btrfs subvolume list -o \"$root\")",
                "  { printf '%s\\n' \"$subvolumes\" | awk 'NF {print \"S\", $2, $NF}'",
                "    printf '%s\\n' \"$quotas\" | awk 'NR > 2 && NF {print \"Q\", $1, $2}'",
                "  } | awk '$1 == \"S\" {n = $3; sub(/.*\\//, \"\", n); name[$2] = n}",
                "          $1 == \"Q\" {split($2, q, \"/\"); if (q[1] == 0) used[q[2]] = $3}",
                "          END {for (id in name) if (id in used) print used[id], name[id]}'",
                "done"));
        // "D <root> <name>" for every real directory of each storage root, "O <root> <name>" for any other entry (a
        // file, a link, a hidden entry; "?" for a name with characters the service never uses), "N <root> <name>" for
        // every snapshot directory, and "E <share>" for every export file (the exports directory first, "-" for none)
        SCRIPTS.put(INVENTORY, String.join("\n",
                "set -e",
                "exports=$1; shift",
                CONFINE,
                "entry() { n=${2##*/}; case \"$n\" in *[!A-Za-z0-9._@+-]*) n='?';; esac",
                "  if [ -d \"$2\" ] && [ ! -L \"$2\" ] && [ \"$n\" != '?' ] && [ \"${n#.}\" = \"$n\" ]; then printf '%s %s %s\\n' \"$1\" \"$root\" \"$n\";",
                "  else printf 'O %s %s\\n' \"$root\" \"$n\"; fi; }",
                "for root in \"$@\"; do",
                "  [ -d \"$root\" ] || continue",
                "  for e in \"$root\"/* \"$root\"/.[!.]* \"$root\"/..?*; do",
                "    [ -e \"$e\" ] || [ -L \"$e\" ] || continue",
                "    [ \"${e##*/}\" = " + SNAPSHOT_DIR + " ] && [ -d \"$e\" ] && [ ! -L \"$e\" ] && continue",
                "    entry D \"$e\"",
                "  done",
                "  if [ -d \"$root/" + SNAPSHOT_DIR + "\" ] && [ ! -L \"$root/" + SNAPSHOT_DIR + "\" ]; then",
                "    for e in \"$root/" + SNAPSHOT_DIR + "\"/*; do [ -d \"$e\" ] && [ ! -L \"$e\" ] && entry N \"$e\"; done",
                "  fi",
                "done",
                "if [ \"$exports\" != - ] && [ -d \"$exports\" ]; then",
                "  for f in \"$exports\"/*.conf; do [ -f \"$f\" ] || continue; n=${f##*/}; n=${n%.conf}",
                "    case \"$n\" in *[!0-9a-f-]*) ;; *) printf 'E %s\\n' \"$n\";; esac; done",
                "fi",
                "exit 0"));
        SCRIPTS.put(LIST_SNAPSHOTS, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3",
                CONFINE,
                "snaps=\"$root/" + SNAPSHOT_DIR + "\"; id=${dir##*/}",
                "for s in \"$snaps/$id@\"*; do [ -d \"$s\" ] && echo \"${s##*/}\"; done",
                "exit 0"));
        SCRIPTS.put(SEND_SNAPSHOT, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; name=$4; parent=$5",
                CONFINE,
                "snaps=\"$root/" + SNAPSHOT_DIR + "\"",
                "if [ -n \"$parent\" ]; then exec btrfs send -q -p \"$snaps/$parent\" \"$snaps/$name\"; fi",
                "exec btrfs send -q \"$snaps/$name\""));
        // Confined (chroot) to the snapshot directory: whatever the stream says, it writes nowhere else.
        SCRIPTS.put(RECEIVE_SNAPSHOT, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; name=$4",
                CONFINE,
                "snaps=\"$root/" + SNAPSHOT_DIR + "\"",
                SNAPSHOTS_MADE,
                DROP_SNAPSHOT,
                "btrfs receive -q -e -C \"$snaps\"",
                "btrfs subvolume show \"$snaps/$name\" >/dev/null 2>&1 || { echo \"the stream did not hold $name\" >&2; exit 1; }"));
        // The share becomes a writable snapshot of a received one (unless it exists), with its limit, mounted.
        SCRIPTS.put(ADOPT_SNAPSHOT, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; limit=$4; name=$5",
                CONFINE,
                "snaps=\"$root/" + SNAPSHOT_DIR + "\"",
                "if ! btrfs subvolume show \"$dir\" >/dev/null 2>&1; then",
                "  btrfs -q subvolume snapshot \"$snaps/$name\" \"$dir\"",
                "fi",
                "id=$(btrfs inspect-internal rootid \"$dir\")",
                AWAIT_CONSISTENT_QUOTAS,
                "btrfs qgroup limit \"$limit\" \"0/$id\" \"$root\"",
                MOUNT));
        // A replica's share follows its received snapshots: made from the first (a writable snapshot, sharing its
        // blocks), then brought to each later one on its host, so that the subvolume, its export and its readers'
        // mounts stay. rsync's size-and-time check alone would miss a file rewritten with its old size and time,
        // so first every file the receive wrote (changed since the snapshot was made: unchanged ones keep the
        // ctime of an older receive) is copied whatever its times say; then the tree follows, times compared to
        // the nanosecond: entries added, renamed and removed, directories. Each file is written beside and
        // renamed over (a reader sees it whole; a hard link the active broke is broken here too), holes kept.
        // No limit while it is a secondary (it holds what the active's limit let in, and a file being replaced
        // counts twice for a moment); a promotion sets it. rsync as root writes no farther than the
        // share (it replaces a link in its way, never writes through one); owners by number: the names may
        // differ from the active's host.
        SCRIPTS.put(RESTORE_SNAPSHOT, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; limit=$4; name=$5",
                CONFINE,
                "snaps=\"$root/" + SNAPSHOT_DIR + "\"",
                SNAPSHOTS_MADE,
                LOCKED,
                "btrfs subvolume show \"$snaps/$name\" >/dev/null 2>&1 || { echo \"no snapshot $name\" >&2; exit 1; }",
                NOT_A_STRAY_DIRECTORY,
                "if ! btrfs subvolume show \"$dir\" >/dev/null 2>&1; then",
                "  btrfs -q subvolume snapshot \"$snaps/$name\" \"$dir\"",
                "else",
                "  created=$(btrfs subvolume show \"$snaps/$name\" | sed -n 's/^[[:space:]]*Creation time:[[:space:]]*//p')",
                "  since=$(( $(date -d \"$created\" +%s) - 1 ))",
                // a list in a file, not a pipe: a find that fails must stop the script (sh has no pipefail)
                "  changed=\"$snaps/.${dir##*/}.changed\"",
                "  (cd -P -- \"$snaps/$name\" && find . -xdev -newerct \"@$since\" ! -type d -print0) > \"$changed\"",
                "  rsync -a -H -A -X -S --numeric-ids --ignore-times --from0 --files-from=\"$changed\" -- \"$snaps/$name/\" \"$dir/\"",
                "  rm -f -- \"$changed\"",
                "  rsync -a -H -A -X -S --numeric-ids --delete --modify-window=-1 -- \"$snaps/$name/\" \"$dir/\"",
                "fi",
                "id=$(btrfs inspect-internal rootid \"$dir\")",
                "btrfs qgroup limit none \"0/$id\" \"$root\"",
                MOUNT));
        // A promoted replica's share becomes exactly its last received snapshot: a writable snapshot of it, so it
        // shares that snapshot's blocks (the old active's resync then sends only what is written after). The
        // old subvolume (unexported first by the caller) is renamed into the snapshot directory before the new
        // one is made, so that quotas are consistent when the limit is set, and only then deleted. Redone after
        // a crash at any line, it ends the same: the share is the snapshot's data, nothing else is left.
        SCRIPTS.put(REPLACE_FROM_SNAPSHOT, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; limit=$4; name=$5",
                CONFINE,
                "snaps=\"$root/" + SNAPSHOT_DIR + "\"; old=\"$snaps/${dir##*/}@" + RETIRED + "-0\"",
                SNAPSHOTS_MADE,
                LOCKED,
                "btrfs subvolume show \"$snaps/$name\" >/dev/null 2>&1 || { echo \"no snapshot $name\" >&2; exit 1; }",
                NOT_A_STRAY_DIRECTORY,
                "if mountpoint -q \"$mnt\"; then umount \"$mnt\"; fi",
                "if btrfs subvolume show \"$dir\" >/dev/null 2>&1; then",
                "  if btrfs subvolume show \"$old\" >/dev/null 2>&1; then btrfs -q subvolume delete -c \"$old\"; fi",
                "  mv -T -- \"$dir\" \"$old\"",
                "fi",
                "btrfs -q subvolume snapshot \"$snaps/$name\" \"$dir\"",
                "id=$(btrfs inspect-internal rootid \"$dir\")",
                AWAIT_CONSISTENT_QUOTAS,
                "btrfs qgroup limit \"$limit\" \"0/$id\" \"$root\"",
                MOUNT,
                "if btrfs subvolume show \"$old\" >/dev/null 2>&1; then",
                "  btrfs -q subvolume delete -c \"$old\"",
                "  btrfs qgroup clear-stale \"$root\" >/dev/null 2>&1 || true",
                START_QUOTA_RESCAN,
                "fi"));
        SCRIPTS.put(SET_READONLY, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; flag=$4",
                CONFINE,
                "case \"$flag\" in true|false) ;; *) echo 'invalid flag' >&2; exit 2;; esac",
                "btrfs property set -ts \"$dir\" ro \"$flag\""));
        // The share's tree, walked on the host without following links (find -P, GNU tar's default): the
        // host's clock and the share root's mode, then "<type> <size> <ctime> <path>" per entry, NUL-terminated
        // (names may hold newlines); an entry that vanishes during the walk is no error.
        SCRIPTS.put(LIST_TREE, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3",
                CONFINE,
                "cd -P -- \"$dir\"",
                "echo \"$(date +%s) $(stat -c %a .)\"",
                "find . -mindepth 1 -xdev -ignore_readdir_race -printf '%y %s %C@ %P\\0'"));
        // Exit status 1 is GNU tar's "a file changed as we read it": its new ctime puts it in the next pass.
        SCRIPTS.put(PACK_TREE, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3; since=$4",
                CONFINE,
                "case \"$since\" in *[!0-9]*) echo 'invalid time' >&2; exit 2;; esac",
                "cd -P -- \"$dir\"",
                "set +e",
                "if [ -n \"$since\" ]; then",
                "  tar --format=posix --numeric-owner --one-file-system -S -cf - --newer=\"@$since\" .",
                "else",
                "  tar --format=posix --numeric-owner --one-file-system -S -cf - .",
                "fi",
                "s=$?",
                "[ \"$s\" -le 1 ] || exit \"$s\""));
        // bsdtar (libarchive-tools), not GNU tar: it refuses to write through a link already on disk, or to
        // '..' or an absolute path, so no archive can make it write outside the share. Owners by number:
        // the same user name may have another id on the other host.
        SCRIPTS.put(UNPACK_TREE, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3",
                CONFINE,
                "cd -P -- \"$dir\"",
                "exec bsdtar -xpf - --numeric-owner"));
        // Relative paths, NUL-separated on standard input, from a listing of this same tree: each refused
        // unless it stays inside the share (no "..", not absolute, its directory not a link leading out).
        SCRIPTS.put(REMOVE_PATHS, String.join("\n",
                "set -e",
                "root=$1; dir=$2; mnt=$3",
                CONFINE,
                "cd -P -- \"$dir\"",
                "xargs -0 -r sh -c '",
                "  here=$(pwd -P)",
                "  for p; do",
                "    case \"/$p/\" in */../*|//*) echo \"refused: $p\" >&2; exit 2;; esac",
                "    parent=$(cd -P -- \"$(dirname -- \"$p\")\" 2>/dev/null && pwd -P) || continue",
                "    case \"$parent/\" in \"$here\"/*) ;; *) echo \"refused: $p\" >&2; exit 2;; esac",
                "    rm -rf -- \"$p\"",
                "  done' sh"));
        // Claims the share's export id (the first time), writes its block (standard input, with the id filled
        // in), then loads it over D-Bus, as an update when Ganesha has it already.
        SCRIPTS.put(APPLY_EXPORT, String.join("\n",
                "set -e",
                "conf=$1; dir=$2; share=$3; id=$4; last=$5",
                CONFINE,
                GaneshaExportIds.CLAIM,
                // the block from the input with its id filled in, by the shell (no sed to start)
                "while IFS= read -r line || [ -n \"$line\" ]; do",
                "  case \"$line\" in *@EXPORT_ID@*) line=\"${line%%@EXPORT_ID@*}$id${line#*@EXPORT_ID@}\";; esac",
                "  printf '%s\\n' \"$line\"",
                "done > \"$conf.new\"",
                "check_block \"$conf.new\"",
                "mv -f -- \"$conf.new\" \"$conf\"",
                "mgr='org.ganesha.nfsd.exportmgr'",
                "send() { dbus-send --system --print-reply --dest=org.ganesha.nfsd /org/ganesha/nfsd/ExportMgr \"$@\" >/dev/null; }",
                "add() { send \"$mgr.AddExport\" \"string:$conf\" \"string:EXPORT(Export_Id=$id)\"; }",
                "update() { send \"$mgr.UpdateExport\" \"string:$conf\" \"string:EXPORT(Export_Id=$id)\"; }",
                // an id claimed just now cannot be Ganesha's yet (a claim is made before its export, removed after it):
                // added without asking first; should Ganesha have it all the same, it is updated
                "if [ -z \"$claimed_before\" ]; then",
                "  if ! added=$(add 2>&1); then update || { echo \"$added\" >&2; exit 1; }; fi",
                "elif send \"$mgr.DisplayExport\" \"uint16:$id\" 2>/dev/null; then",
                "  update",
                "else",
                "  add",
                "fi",
                "echo \"$id\""));
        // Removes the export from Ganesha (one it does not know is fine), its file and its id claim.
        SCRIPTS.put(REMOVE_EXPORT, String.join("\n",
                "set -e",
                "ids=$1; share=$2; conf=$3; dir=$ids; id=; last=",
                CONFINE,
                "id=$(find \"$ids\" -mindepth 1 -maxdepth 1 -type l -lname \"$share\" -printf '%f' 2>/dev/null || true)",
                "if [ -n \"$id\" ]; then",
                "  if ! out=$(dbus-send --system --print-reply --dest=org.ganesha.nfsd /org/ganesha/nfsd/ExportMgr"
                        + " org.ganesha.nfsd.exportmgr.RemoveExport \"uint16:$id\" 2>&1); then",
                "    case \"$out\" in *'not found'*) ;; *) echo \"$out\" >&2; exit 1;; esac",
                "  fi",
                "fi",
                "rm -f -- \"$conf\" \"$conf.new\"",
                "[ -z \"$id\" ] || rm -f -- \"$ids/$id\"")); // the claim goes last, after its export and file
    }

    private HostScripts() {
    }

    /** The argv that runs script {@code name} with {@code args}: {@code sh -c <script> <name> <args>}. */
    static List<String> argv(String name, String... args) {
        String script = SCRIPTS.get(name);
        if (script == null) {
            throw new IllegalArgumentException("no host script " + name);
        }
        script = script.replace(CONFINE, "check_block() { :; }");
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script, name));
        argv.addAll(List.of(args));
        return argv;
    }

    public static Map<String, String> all() {
        return Map.copyOf(SCRIPTS);
    }

    /**
     * What an installed script may touch: shares only as {@code <storage root>/<uuid>} mounted at
     * {@code <export_root>/<uuid>}, Ganesha files only as {@code <exports_dir>/<uuid>.conf}, and export
     * blocks only of the shape {@link GaneshaExportBlock} writes, for that share's path.
     */
    public record Confinement(List<String> storageRoots, String exportRoot, String exportsDir) {
        public Confinement {
            storageRoots = List.copyOf(storageRoots);
            if (storageRoots.isEmpty() || !storageRoots.stream().allMatch(root -> root.matches(PATH))
                    || !exportRoot.matches(PATH) || !exportsDir.matches(PATH)) {
                throw new IllegalArgumentException("storage roots, export root and exports directory must be plain absolute paths");
            }
        }

        /** The shell lines an installed script starts with: the fence and its timeout. */
        String header() {
            return String.join("\n",
                    "set -e",
                    "allowed_roots=' " + String.join(" ", storageRoots) + " '",
                    "export_root='" + exportRoot + "'",
                    "exports_dir='" + exportsDir + "'",
                    // the caller's time limit, enforced here, as root, so that the command and its children stop
                    "t=$1; shift",
                    "case \"$t\" in ''|*[!0-9.]*|*.*.*) echo 'invalid timeout' >&2; exit 2;; *[1-9]*) ;; *) echo 'invalid timeout' >&2; exit 2;; esac",
                    "if [ -z \"${MANILA_UNDER_TIMEOUT:-}\" ]; then",
                    "  export MANILA_UNDER_TIMEOUT=1",
                    "  exec timeout -k 5 \"$t\" \"$0\" \"$t\" \"$@\"",
                    "fi",
                    "deny() { echo \"refused: $1\" >&2; exit 2; }",
                    "check_id() { case \"$1\" in ''|*[!0-9a-f-]*) deny 'invalid share id';; esac; }",
                    "check_block() {",
                    "  path=$(sed -n 's/^    Path = \"\\(.*\\)\";$/\\1/p' \"$1\")",
                    "  ok=; [ \"$path\" = \"$export_root/$share\" ] && ok=1",
                    "  for r in $allowed_roots; do [ \"$path\" = \"$r/$share\" ] && ok=1; done",
                    "  [ -n \"$ok\" ] && [ \"$(grep -c '^    Path = ' \"$1\")\" = 1 ] && [ \"$(grep -c '^EXPORT {$' \"$1\")\" = 1 ] \\",
                    "    && [ \"$(grep -c -x -F \"    Export_Id = $id;\" \"$1\")\" = 1 ] \\",
                    "    && [ \"$(grep -c -x -F \"    Pseudo = \\\"$path\\\";\" \"$1\")\" = 1 ] \\",
                    "    && ! grep -q -v -x -E '#.*|EXPORT \\{|    Export_Id = [0-9]+;|    Path = \"[^\"]*\";|    Pseudo = \"[^\"]*\";"
                            + "|    Protocols = 3, 4;|    Transports = TCP;|    SecType = sys;"
                            + "|    Squash = (Root_Squash|No_Root_Squash|All_Squash);|    Access_Type = None;"
                            + "|    FSAL \\{ Name = VFS; \\}|    CLIENT \\{ Clients = [0-9A-Fa-f.:/]+; Access_Type = (RW|RO); \\}|\\}' \"$1\" \\",
                    "    || { rm -f -- \"$1\"; deny 'export block'; }",
                    "}");
        }

        /** The checks of one script's arguments, once it has named them. */
        String fence(String script) {
            if (script.equals(SHARE_USAGE) || script.equals(INVENTORY)) { // read-only, over storage roots only
                return (script.equals(INVENTORY) ? "[ \"$exports\" = - ] || [ \"$exports\" = \"$exports_dir\" ] || deny 'exports directory'\n" : "")
                        + "for root in \"$@\"; do ok=; for r in $allowed_roots; do [ \"$root\" = \"$r\" ] && ok=1; done;"
                        + " [ -n \"$ok\" ] || deny 'storage root'; done";
            }
            if (script.equals(APPLY_EXPORT) || script.equals(REMOVE_EXPORT)) {
                return String.join("\n",
                        "check_id \"$share\"",
                        "[ \"$conf\" = \"$exports_dir/$share.conf\" ] || deny 'export file'",
                        "[ \"$dir\" = \"$exports_dir/.manila-export-ids\" ] || deny 'export id directory'",
                        "if [ -n \"${last:-}\" ]; then",
                        "  case \"$id$last\" in ''|*[!0-9]*) deny 'export id';; esac",
                        "  [ \"$id\" -ge 100 ] && [ \"$id\" -le \"$last\" ] && [ \"$last\" -le 65535 ] || deny 'export id range'",
                        "fi");
            }
            return String.join("\n",
                    "share=${dir##*/}",
                    "check_id \"$share\"",
                    "ok=; for r in $allowed_roots; do [ \"$root\" = \"$r\" ] && ok=1; done",
                    "[ -n \"$ok\" ] || deny 'storage root'",
                    "[ \"$dir\" = \"$root/$share\" ] || deny 'share directory'",
                    "[ \"$mnt\" = \"$export_root/$share\" ] || deny 'mount point'",
                    // the roots are root's own (see host-scripts); a link planted in them must not redirect us
                    "[ ! -L \"$dir\" ] && [ ! -L \"$mnt\" ] || deny 'symbolic link'",
                    "case \"${limit-0}\" in ''|*[!0-9]*) deny 'limit';; esac",
                    // snapshot names: the share's own, <share>@<purpose>-<n>, in a directory that is not a link
                    "check_snapshot() {",
                    "  rest=${1#\"$share\"@}; [ \"$rest\" != \"$1\" ] || deny 'snapshot name'",
                    "  case \"${rest%-*}\" in ''|*[!a-z]*) deny 'snapshot name';; esac",
                    "  case \"${rest##*-}\" in ''|*[!0-9]*) deny 'snapshot name';; esac",
                    "}",
                    "[ -z \"${name:-}\" ] || check_snapshot \"$name\"",
                    "[ -z \"${parent:-}\" ] || check_snapshot \"$parent\"",
                    "[ ! -L \"$root/" + SNAPSHOT_DIR + "\" ] || deny 'symbolic link'");
        }
    }

    /** The plain commands the btrfs layout runs as root besides the scripts, as sudoers names them. */
    private static final List<String> SUDO_COMMANDS = List.of(
            "/usr/bin/btrfs qgroup show *", "/usr/bin/btrfs inspect-internal rootid *", "/usr/bin/sync -f *",
            "/usr/bin/df -P -B1 -- *", "/usr/bin/stat -c %a -- *");

    /**
     * A sudoers file that lets {@code user} run exactly the driver's commands as root, without a
     * password: its installed scripts (which check their own arguments) and a few plain btrfs and
     * file-system queries. The {@code plain} layout is not offered under sudo: its {@code mkdir} and
     * {@code rm -rf} cannot be fenced by sudoers.
     */
    public static String sudoers(String user, String scriptDir) {
        if (!user.matches("[a-z_][a-z0-9_-]*") || !scriptDir.matches(PATH)) {
            throw new IllegalArgumentException("unsafe user or script directory for sudoers");
        }
        List<String> commands = new ArrayList<>();
        SCRIPTS.keySet().forEach(name -> commands.add(scriptDir + "/" + name));
        commands.addAll(SUDO_COMMANDS);
        return "# Manila-J storage driver: the commands its SSH user may run as root, and only these.\n"
                + "Defaults:" + user + " !requiretty\n"
                + user + " ALL=(root) NOPASSWD: " + String.join(", \\\n    ", commands) + "\n";
    }

    /**
     * Writes every script as an executable file of {@code directory} (for {@code ssh.sudo}), fenced to
     * {@code confinement}; run as root on the storage host ({@code host-scripts} does it).
     */
    public static List<Path> install(Path directory, Confinement confinement) throws IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> script : SCRIPTS.entrySet()) {
            Path file = directory.resolve(script.getKey());
            String body = script.getValue().replace(CONFINE, confinement.fence(script.getKey()));
            Files.writeString(file, "#!/bin/sh\n# Installed by Manila-J's host-scripts: runs as root through sudo, checks"
                    + " its arguments first.\n" + confinement.header() + "\n" + body + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            written.add(file);
        }
        return written;
    }
}
