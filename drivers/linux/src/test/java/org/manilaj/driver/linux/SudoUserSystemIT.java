package org.manilaj.driver.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.BackendDefinition;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareSpec;

/**
 * The driver on a lab host as an SSH user that is not root, with {@code ssh.sudo}: the scripts are
 * installed as files, sudoers allows exactly {@link HostScripts#sudoers} and nothing else, and a whole
 * share lifecycle works (needs the lab and root: system profile).
 */
class SudoUserSystemIT {
    private static final String USER = "manila-storage";
    private static final Path SCRIPTS = TestLab.LAB.resolve("libexec/manila-j");
    private static final Path SUDOERS = Path.of("/etc/sudoers.d/manila-j-lab");

    @BeforeAll
    static void createTheUserInstallTheScriptsAndSudoers() throws Exception {
        if (run("id", "-u", USER) != 0) {
            assertThat(run("useradd", "--system", "--no-create-home", "--shell", "/bin/sh", USER)).isZero();
        }
        // no password, but not locked: sshd (without PAM) refuses locked accounts even with a key
        assertThat(run("usermod", "-p", "*", USER)).isZero();
        HostScripts.install(SCRIPTS, new HostScripts.Confinement(List.of(TestLab.storageRoot(1).toString(),
                TestLab.storageRoot(2).toString()), TestLab.exportRoot(1).toString(), "/etc/ganesha/exports.d"));
        for (Path dir = SCRIPTS; dir != null && !dir.equals(TestLab.LAB.getParent()); dir = dir.getParent()) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path candidate = Files.writeString(Files.createTempFile("sudoers", ""), HostScripts.sudoers(USER, SCRIPTS.toString()));
        assertThat(run("visudo", "-c", "-q", "-f", candidate.toString())).as("sudoers syntax").isZero();
        Files.copy(candidate, SUDOERS, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(SUDOERS, PosixFilePermissions.fromString("r--r-----"));
    }

    private static int run(String... argv) throws Exception {
        return new ProcessBuilder(argv).inheritIO().start().waitFor();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> options() {
        Map<String, Object> options = new LinkedHashMap<>(TestLab.backendOptions(1));
        Map<String, Object> ssh = new LinkedHashMap<>((Map<String, Object>) options.get("ssh"));
        ssh.put("user", USER);
        ssh.put("sudo", true);
        ssh.put("script_dir", SCRIPTS.toString());
        options.put("ssh", ssh);
        return options;
    }

    @Test
    void aUserWithOnlyTheDriversSudoRightsRunsAWholeShareLifecycle() {
        String id = UUID.randomUUID().toString();
        String subvolume = TestLab.storageRoot(1) + "/" + id;
        try (ShareDriver driver = new LinuxShareDriverFactory().create(new BackendDefinition("lab1", options(),
                List.of(new BackendDefinition.PoolDefinition("pool0", Map.of()))))) {
            ShareSpec spec = new ShareSpec(id, "pool0", 1, "NFS", Map.of());
            driver.create(spec);
            assertThat(TestLab.onHost(1, List.of("stat", "-c", "%a", subvolume)).stdout().trim()).isEqualTo("1777");
            driver.applyAccess(spec.ref(), List.of(new AccessGrant("ip", "127.0.0.1", AccessGrant.AccessLevel.RW)));
            assertThat(TestLab.onHost(1, List.of("cat", "/etc/ganesha/exports.d/" + id + ".conf")).stdout())
                    .contains("Squash = Root_Squash;", "CLIENT { Clients = 127.0.0.1; Access_Type = RW; }");
            driver.extend(spec.ref(), 2);
            assertThat(TestLab.onHost(1, List.of("btrfs", "qgroup", "show", "-reF", "--raw", subvolume)).stdout())
                    .contains("2147483648");
            assertThat(driver.stats().pools()).isNotEmpty();
            driver.delete(spec.ref());
        }
        assertThat(TestLab.onHost(1, List.of("test", "-e", subvolume)).succeeded()).isFalse();
    }

    /** A chosen root mode goes through the installed script and is checked with the sudoers' stat. */
    @Test
    void aShareAsksForItsRootModeThroughTheInstalledScript() {
        String id = UUID.randomUUID().toString();
        try (ShareDriver driver = new LinuxShareDriverFactory().create(new BackendDefinition("lab1", options(),
                List.of(new BackendDefinition.PoolDefinition("pool0", Map.of()))))) {
            ShareSpec spec = new ShareSpec(id, "pool0", 1, "NFS", Map.of(), "0750");
            driver.create(spec);
            assertThat(TestLab.onHost(1, List.of("stat", "-c", "%a", TestLab.storageRoot(1) + "/" + id)).stdout().trim())
                    .isEqualTo("750");
            driver.delete(spec.ref());
        }
    }

    @Test
    void theUserCannotRunAnythingElseAsRoot() {
        SshSettings settings = new SshSettings(TestLab.address(1), TestLab.SSH_PORT, USER, TestLab.privateKey(),
                TestLab.knownHosts(), 10, 30, 1, true, SCRIPTS.toString());
        try (SshHost host = new SshHost(settings)) {
            CommandResult whoami = host.run(List.of("id", "-u"), Duration.ofSeconds(30));
            assertThat(whoami.succeeded()).as(whoami.stderr()).isFalse();
            assertThat(host.run(List.of("sh", "-c", "id -u", "x"), Duration.ofSeconds(30)).succeeded()).isFalse();
            assertThat(host.run(List.of("rm", "-rf", "/etc/ganesha"), Duration.ofSeconds(30)).succeeded()).isFalse();
        }
    }

    /** The installed scripts check their own arguments: sudo alone would let the user write or mount anywhere. */
    @Test
    void theScriptsRefuseArgumentsOutsideTheirFence() {
        String share = UUID.randomUUID().toString();
        String exportsDir = "/etc/ganesha/exports.d";
        byte[] rootExport = ("EXPORT {\n    Export_Id = @EXPORT_ID@;\n    Path = \"/\";\n    Pseudo = \"/\";\n"
                + "    Squash = No_Root_Squash;\n    Access_Type = RW;\n    FSAL { Name = VFS; }\n}\n").getBytes();
        SshSettings settings = new SshSettings(TestLab.address(1), TestLab.SSH_PORT, USER, TestLab.privateKey(),
                TestLab.knownHosts(), 10, 30, 1, true, SCRIPTS.toString());
        try (SshHost host = new SshHost(settings)) {
            CommandResult elsewhere = host.run(HostScripts.argv(HostScripts.APPLY_EXPORT, "/etc/modprobe.d/" + share + ".conf",
                    exportsDir + "/.manila-export-ids", share, "100", "65535"), rootExport, Duration.ofSeconds(30));
            assertThat(elsewhere.exitStatus()).as(elsewhere.stderr()).isEqualTo(2);
            assertThat(TestLab.onHost(1, List.of("test", "-e", "/etc/modprobe.d/" + share + ".conf")).succeeded()).isFalse();

            CommandResult wholeDisk = host.run(HostScripts.argv(HostScripts.APPLY_EXPORT, exportsDir + "/" + share + ".conf",
                    exportsDir + "/.manila-export-ids", share, "100", "65535"), rootExport, Duration.ofSeconds(30));
            assertThat(wholeDisk.exitStatus()).as(wholeDisk.stderr()).isEqualTo(2);
            assertThat(wholeDisk.stderr()).contains("export block");
            assertThat(TestLab.onHost(1, List.of("test", "-e", exportsDir + "/" + share + ".conf")).succeeded()).isFalse();

            String root = TestLab.storageRoot(1).toString();
            CommandResult mountOverBin = host.run(HostScripts.argv(HostScripts.CREATE_SHARE, root, root + "/" + share,
                    "/usr/local/sbin", "1073741824"), Duration.ofSeconds(30));
            assertThat(mountOverBin.exitStatus()).as(mountOverBin.stderr()).isEqualTo(2);
            CommandResult deleteOther = host.run(HostScripts.argv(HostScripts.DELETE_SHARE, "/", "/usr",
                    TestLab.exportRoot(1) + "/usr"), Duration.ofSeconds(30));
            assertThat(deleteOther.exitStatus()).as(deleteOther.stderr()).isEqualTo(2);
            assertThat(TestLab.onHost(1, List.of("btrfs", "subvolume", "show", root + "/" + share)).succeeded()).isFalse();
        }
    }

    /**
     * Snapshots, their streams and the share's tree through the installed scripts: a snapshot streamed out and
     * received back becomes the share again, read-only when asked; the tree is archived, partly removed and
     * restored; names of another share, paths out of the share and a malformed time are refused.
     */
    @Test
    void theMigrationScriptsWorkUnderSudoAndRefuseWhatIsNotTheShares() throws Exception {
        String id = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        String root = TestLab.storageRoot(1).toString();
        String directory = root + "/" + id;
        String snapshot = id + "@migration-1";
        try (ShareDriver driver = new LinuxShareDriverFactory().create(new BackendDefinition("lab1", options(),
                List.of(new BackendDefinition.PoolDefinition("pool0", Map.of()))))) {
            ShareSpec spec = new ShareSpec(id, "pool0", 1, "NFS", Map.of());
            driver.create(spec);
            TestLab.onHost(1, List.of("sh", "-c", "echo hello > \"$1/f\" && mkdir \"$1/d\"", "sh", directory)).orThrow("host 1");
            org.manilaj.driver.ShareSnapshots snapshots = driver.snapshots().orElseThrow();
            snapshots.create(spec.ref(), snapshot);
            assertThat(snapshots.list(spec.ref())).containsExactly(snapshot);
            byte[] stream;
            try (org.manilaj.driver.ByteStream send = snapshots.send(spec.ref(), snapshot, null)) {
                stream = send.output().readAllBytes();
                send.await(Duration.ofMinutes(1));
            }
            assertThat(new String(stream, 0, 12, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("btrfs-stream");
            snapshots.delete(spec.ref(), snapshot);
            driver.delete(spec.ref());
            try (org.manilaj.driver.ByteStream receive = snapshots.receive(spec.ref(), snapshot)) {
                receive.input().write(stream);
                receive.await(Duration.ofMinutes(1));
            }
            snapshots.adopt(spec.ref(), snapshot);
            assertThat(TestLab.onHost(1, List.of("cat", directory + "/f")).stdout()).isEqualTo("hello\n");
            snapshots.setReadOnly(spec.ref(), true);
            assertThat(TestLab.onHost(1, List.of("touch", directory + "/g")).succeeded()).isFalse();
            snapshots.setReadOnly(spec.ref(), false);
            assertThat(TestLab.onHost(1, List.of("touch", directory + "/g")).succeeded()).isTrue();

            org.manilaj.driver.ShareTrees trees = driver.trees().orElseThrow();
            assertThat(trees.list(spec.ref()).entries()).extracting(org.manilaj.driver.ShareTrees.TreeEntry::path)
                    .containsExactlyInAnyOrder("f", "d", "g");
            byte[] archive;
            try (org.manilaj.driver.ByteStream pack = trees.pack(spec.ref(), null)) {
                archive = pack.output().readAllBytes();
                pack.await(Duration.ofMinutes(1));
            }
            trees.remove(spec.ref(), List.of("f", "d"));
            assertThat(trees.list(spec.ref()).entries()).extracting(org.manilaj.driver.ShareTrees.TreeEntry::path)
                    .containsExactly("g");
            try (org.manilaj.driver.ByteStream unpack = trees.unpack(spec.ref())) {
                unpack.input().write(archive);
                unpack.await(Duration.ofMinutes(1));
            }
            assertThat(TestLab.onHost(1, List.of("cat", directory + "/f")).stdout()).isEqualTo("hello\n");
            // an archive that plants a link out of the share, then one that writes through it: refused
            unpack(trees, spec, archive("x", root));
            assertThatThrownBy(() -> unpack(trees, spec, archive("x/planted", null))).isInstanceOf(RuntimeException.class);
            assertThat(TestLab.onHost(1, List.of("test", "-e", root + "/planted")).succeeded()).isFalse();

            SshSettings settings = new SshSettings(TestLab.address(1), TestLab.SSH_PORT, USER, TestLab.privateKey(),
                    TestLab.knownHosts(), 10, 30, 1, true, SCRIPTS.toString());
            String mount = TestLab.exportRoot(1) + "/" + id;
            try (SshHost host = new SshHost(settings)) {
                for (String name : List.of(other + "@migration-1", id + "@migration-1/../../x", id + "@Migration-1", id)) {
                    CommandResult refused = host.run(HostScripts.argv(HostScripts.SNAPSHOT_SHARE, root, directory, mount, name),
                            Duration.ofSeconds(30));
                    assertThat(refused.exitStatus()).as(name + ": " + refused.stderr()).isEqualTo(2);
                }
                CommandResult badTime = host.run(HostScripts.argv(HostScripts.PACK_TREE, root, directory, mount, "1;id"),
                        Duration.ofSeconds(30));
                assertThat(badTime.exitStatus()).as(badTime.stderr()).isEqualTo(2);
                TestLab.onHost(1, List.of("sh", "-c", "echo keep > \"$1/keep\" && ln -s \"$1\" \"$2/out\"", "sh", root,
                        directory)).orThrow("host 1");
                for (String path : List.of("../keep", "/etc/hostname", "out/keep")) {
                    CommandResult removal = host.run(HostScripts.argv(HostScripts.REMOVE_PATHS, root, directory, mount),
                            (path + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8), Duration.ofSeconds(30));
                    assertThat(removal.succeeded()).as(path + ": " + removal.stderr()).isFalse();
                }
                assertThat(TestLab.onHost(1, List.of("cat", root + "/keep")).stdout()).isEqualTo("keep\n");
            } finally {
                TestLab.onHost(1, List.of("rm", "-f", root + "/keep"));
            }
            driver.delete(spec.ref());
            snapshots.delete(spec.ref(), snapshot);
        }
        assertThat(TestLab.onHost(1, List.of("sh", "-c", "ls \"$1\"/.manila-snapshots/\"$2\"@* 2>/dev/null; true", "sh", root, id))
                .stdout()).isEmpty();
    }

    /**
     * A replica's share brought to a snapshot in place through the installed script: made from the first one,
     * then changed, added and removed files follow each later one while the subvolume stays the same (its
     * clients' handles stay valid). A file rewritten with its old size and time follows too, a hard link the
     * active broke is broken, holes stay holes, and a link the tenant turned into a directory is replaced,
     * never written through. A snapshot name taken again holds the share's data as it is then; the share is
     * mounted nosuid,nodev; the snapshot directory is root's alone; the share's delete takes its snapshots.
     */
    @Test
    void theRestoreScriptBringsAShareToASnapshotInPlaceAndNeverWritesThroughALink() throws Exception {
        String id = UUID.randomUUID().toString();
        String root = TestLab.storageRoot(1).toString();
        String directory = root + "/" + id;
        String snaps = root + "/.manila-snapshots";
        try (ShareDriver driver = new LinuxShareDriverFactory().create(new BackendDefinition("lab1", options(),
                List.of(new BackendDefinition.PoolDefinition("pool0", Map.of()))))) {
            ShareSpec spec = new ShareSpec(id, "pool0", 1, "NFS", Map.of());
            org.manilaj.driver.ShareSnapshots snapshots = driver.snapshots().orElseThrow();
            // a snapshot taken again holds the share's data as it is then; the share's delete takes its snapshots
            driver.create(spec);
            onHost1("cd \"$1\" && echo one > f", directory, root);
            snapshots.create(spec.ref(), id + "@repa-1");
            onHost1("echo late > \"$1/late\"", directory, root);
            snapshots.create(spec.ref(), id + "@repa-1"); // taken again: a pass cut short must not send stale data
            assertThat(TestLab.onHost(1, List.of("cat", snaps + "/" + id + "@repa-1/late")).stdout()).isEqualTo("late\n");
            driver.delete(spec.ref());
            assertThat(TestLab.onHost(1, List.of("sh", "-c", "ls -d \"$1\"/\"$2\"@* 2>/dev/null; true", "sh", snaps, id))
                    .stdout()).as("the share's snapshots go with it").isEmpty();
            // two states of a share's data, received as a replica receives them, from a scratch subvolume
            onHost1("if [ -e \"$1/x\" ]; then btrfs -q subvolume delete \"$1/x\"; fi" // left by a run cut short
                    + " && btrfs -q subvolume create \"$1/x\" && echo one > \"$1/x/f\" && echo gone > \"$1/x/g\""
                    + " && echo A > \"$1/x/a\" && ln \"$1/x/a\" \"$1/x/b\" && ln -s \"$2\" \"$1/x/out\"", snaps, root);
            copyAsSnapshot(snaps, id, "repa-1");
            onHost1("cp -p \"$1/x/f\" \"$1/x/f.orig\" && echo two > \"$1/x/f\" && touch -r \"$1/x/f.orig\" \"$1/x/f\""
                    + " && cd \"$1/x\" && rm f.orig g b out && echo BB > b && mkdir out && echo planted > out/planted"
                    + " && echo new > h && truncate -s 256M sparse", snaps, root);
            copyAsSnapshot(snaps, id, "repa-2");
            onHost1("btrfs -q subvolume delete \"$1/x\"", snaps, root);

            org.manilaj.driver.ShareExport export = snapshots.restore(spec.ref(), id + "@repa-1");
            assertThat(export.locations().get(0).path()).endsWith("/" + id);
            assertThat(TestLab.onHost(1, List.of("cat", directory + "/f", directory + "/g")).stdout()).isEqualTo("one\ngone\n");
            assertThat(TestLab.onHost(1, List.of("test", "-L", directory + "/out")).succeeded()).isTrue();
            String subvolume = TestLab.onHost(1, List.of("btrfs", "inspect-internal", "rootid", directory)).stdout();
            assertThat(TestLab.onHost(1, List.of("findmnt", "-n", "-o", "OPTIONS", TestLab.exportRoot(1) + "/" + id))
                    .stdout()).contains("nosuid", "nodev");
            assertThat(TestLab.onHost(1, List.of("stat", "-c", "%a", snaps)).stdout().trim()).isEqualTo("700");

            snapshots.restore(spec.ref(), id + "@repa-2");
            assertThat(TestLab.onHost(1, List.of("cat", directory + "/f", directory + "/h", directory + "/out/planted",
                    directory + "/a", directory + "/b")).stdout()).isEqualTo("two\nnew\nplanted\nA\nBB\n");
            assertThat(TestLab.onHost(1, List.of("test", "-e", directory + "/g")).succeeded()).as("removed file").isFalse();
            assertThat(TestLab.onHost(1, List.of("test", "-e", root + "/planted")).succeeded()).as("written through the link")
                    .isFalse();
            assertThat(Long.parseLong(TestLab.onHost(1, List.of("du", "-k", directory + "/sparse")).stdout().split("\\s")[0]))
                    .as("KiB a 256 MiB hole takes").isLessThan(1024);
            assertThat(TestLab.onHost(1, List.of("btrfs", "inspect-internal", "rootid", directory)).stdout())
                    .as("the same subvolume").isEqualTo(subvolume);
            assertThatThrownBy(() -> snapshots.restore(spec.ref(), id + "@repa-3")).as("a snapshot that is not there")
                    .isInstanceOf(RuntimeException.class);
            driver.delete(spec.ref());
        }
        assertThat(TestLab.onHost(1, List.of("sh", "-c", "ls -a \"$1\" | grep -F \"$2\"; true", "sh", snaps, id))
                .stdout()).isEmpty();
    }

    /** A shell command on host 1, as root, with {@code $1} and {@code $2}. */
    private static void onHost1(String command, String one, String two) {
        TestLab.onHost(1, List.of("sh", "-c", command, "sh", one, two)).orThrow("host 1: " + command);
    }

    /**
     * Snapshot {@code <id>@<purpose>} as a replica receives it: scratch subvolume {@code x} sent into the snapshot
     * directory by btrfs itself, so its files carry the receive's ctime as in a real sync.
     */
    private static void copyAsSnapshot(String snaps, String id, String purpose) {
        onHost1("mkdir -p \"$1/scratch\" && btrfs -q subvolume snapshot -r \"$1/x\" \"$1/scratch/$2\""
                + " && btrfs send -q \"$1/scratch/$2\" | btrfs receive -q \"$1\" && btrfs -q subvolume delete \"$1/scratch/$2\""
                + " && rmdir \"$1/scratch\"", snaps, id + "@" + purpose);
    }

    private static void unpack(org.manilaj.driver.ShareTrees trees, ShareSpec spec, byte[] archive) {
        try (org.manilaj.driver.ByteStream unpack = trees.unpack(spec.ref())) {
            unpack.input().write(archive);
            unpack.await(Duration.ofMinutes(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A tar archive of one entry {@code path}: a link to {@code target}, or (when that is null) a small file. */
    private static byte[] archive(String path, String target) throws Exception {
        Path dir = Files.createTempDirectory("archive");
        Path entry = dir.resolve(path);
        Files.createDirectories(entry.getParent());
        if (target == null) {
            Files.writeString(entry, "planted\n");
        } else {
            Files.createSymbolicLink(entry, Path.of(target));
        }
        Process tar = new ProcessBuilder("tar", "-C", dir.toString(), "-cf", "-", path).start();
        byte[] bytes = tar.getInputStream().readAllBytes();
        assertThat(tar.waitFor()).isZero();
        return bytes;
    }
}
