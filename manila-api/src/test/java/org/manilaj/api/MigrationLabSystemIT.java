package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.manilaj.driver.linux.TestLab;

/**
 * Migration between the lab's two storage hosts (btrfs + NFS-Ganesha over SSH), with the snapshot-stream
 * engine, checked through a real NFS client: files written before, during and after phase 1 all read back
 * from the new export location; the old one refuses writes; nothing is left behind on either host.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class MigrationLabSystemIT {
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-lab.yml"),
            LabOverrides.with(
                ConfigOverride.config("work.reconcile_interval", "2s")));

    @TempDir
    Path local;
    private ManilaClient client;
    private final NfsClient nfs = new NfsClient("127.0.0.1");

    @BeforeEach
    void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
    }

    @Test
    void aShareMovesToTheOtherHostWhileAClientWritesAndEveryFileReadsBackFromTheNewExport() throws Exception {
        String id = client.createShare(1);
        int from = hostOf(client.awaitStatus(id, "available"));
        int to = 3 - from;
        String oldLocation = location(id);
        allow(id);
        Map<String, String> written = new TreeMap<>();
        write(oldLocation, "big.bin", 48 << 20, written);
        for (int i = 0; i < 5; i++) {
            write(oldLocation, "before-" + i + ".bin", 1 << 20, written);
        }
        // what only a snapshot keeps: an owner the NFS client could not set, and a mode
        assertThat(TestLab.onHost(from, List.of("sh", "-c", "echo owned > \"$1\" && chown 1234:5678 \"$1\" && chmod 640 \"$1\"",
                "sh", TestLab.storageRoot(from) + "/" + id + "/owned.txt")).succeeded()).isTrue();

        assertThat(client.post("/v2/shares/" + id + "/action", start(to, true)).status()).isEqualTo(202);
        for (int i = 0; i < 3; i++) { // while phase 1 runs or waits for the admin: the share stays writable
            write(oldLocation, "during-" + i + ".bin", 1 << 20, written);
        }
        MigrationChecks.awaitTaskState(client, id, "migration_driver_phase1_done", Duration.ofSeconds(120));
        write(oldLocation, "after-phase1.bin", 2 << 20, written);
        Map<String, Object> progress = client.post("/v2/shares/" + id + "/action", "{\"migration_get_progress\": null}").body();
        assertThat(progress).containsEntry("total_progress", 100);
        assertThat(progress.get("details").toString()).contains("engine=snapshot_stream");

        assertThat(client.post("/v2/shares/" + id + "/action", "{\"migration_complete\": null}").status()).isEqualTo(202);
        Map<String, Object> share = MigrationChecks.awaitTaskState(client, id, "migration_success", Duration.ofSeconds(120));
        assertThat(share).containsEntry("status", "available");
        assertThat(hostOf(share)).isEqualTo(to);
        String newLocation = location(id);
        assertThat(newLocation).startsWith(TestLab.address(to) + ":");

        for (Map.Entry<String, String> file : written.entrySet()) {
            Path back = local.resolve("back-" + file.getKey());
            assertThat(nfs.copyOut(newLocation, file.getKey(), back)).as("read " + file.getKey()).isTrue();
            assertThat(MigrationChecks.sha256(back)).as(file.getKey()).isEqualTo(file.getValue());
        }
        assertThat(TestLab.onHost(to, List.of("stat", "-c", "%u:%g:%a", TestLab.storageRoot(to) + "/" + id + "/owned.txt"))
                .stdout().trim()).isEqualTo("1234:5678:640");
        assertThat(nfs.copyIn(Files.write(local.resolve("late.bin"), new byte[4096]), newLocation, "late.bin"))
                .as("the share is writable at its new home").isTrue();
        assertThat(nfs.copyIn(local.resolve("late.bin"), oldLocation, "late.bin")).as("the old export is gone").isFalse();

        awaitNothingLeft(from, id, true);
        awaitNothingLeft(to, id, false);
        assertThat(MigrationChecks.allocated(client, pool(from))).isZero();
        assertThat(MigrationChecks.allocated(client, pool(to))).isEqualTo(1);
        assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
        awaitNothingLeft(to, id, true);
    }

    @Test
    void aCancelledMigrationLeavesTheSourceWritableAndNothingOnTheOtherHost() throws Exception {
        String id = client.createShare(1);
        int from = hostOf(client.awaitStatus(id, "available"));
        int to = 3 - from;
        String location = location(id);
        allow(id);
        Map<String, String> written = new TreeMap<>();
        write(location, "data.bin", 4 << 20, written);

        assertThat(client.post("/v2/shares/" + id + "/action", start(to, false)).status()).isEqualTo(202);
        MigrationChecks.awaitTaskState(client, id, "migration_driver_phase1_done", Duration.ofSeconds(120));
        assertThat(nfs.copyIn(Files.write(local.resolve("refused.bin"), new byte[4096]), location, "refused.bin"))
                .as("writable false: read-only while copying").isFalse();
        assertThat(client.post("/v2/shares/" + id + "/action", "{\"migration_cancel\": null}").status()).isEqualTo(202);
        Map<String, Object> share = MigrationChecks.awaitTaskState(client, id, "migration_cancelled", Duration.ofSeconds(120));
        assertThat(share).containsEntry("status", "available");
        assertThat(hostOf(share)).isEqualTo(from);
        assertThat(location(id)).isEqualTo(location);
        write(location, "after-cancel.bin", 1 << 20, written);
        Path back = local.resolve("back.bin");
        assertThat(nfs.copyOut(location, "data.bin", back)).isTrue();
        assertThat(MigrationChecks.sha256(back)).isEqualTo(written.get("data.bin"));
        awaitNothingLeft(to, id, true);
        awaitNothingLeft(from, id, false);
        assertThat(MigrationChecks.allocated(client, pool(to))).isZero();
        assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
    }

    private static String start(int to, boolean writable) {
        return "{\"migration_start\": {\"host\": \"" + pool(to) + "\", \"writable\": " + writable + ","
                + " \"preserve_metadata\": true, \"nondisruptive\": false, \"preserve_snapshots\": false}}";
    }

    private static String pool(int host) {
        return "manila@lab" + host + "#pool0";
    }

    private static int hostOf(Map<String, Object> share) {
        return share.get("host").toString().contains("@lab1#") ? 1 : 2;
    }

    /** No snapshot of the share on the host, and (when {@code shareGone}) no subvolume or mount of it either. */
    static void awaitNothingLeft(int host, String id, boolean shareGone) throws InterruptedException {
        String root = TestLab.storageRoot(host).toString();
        String check = "ls -d \"$1\"/.manila-snapshots/\"$2\"@* 2>/dev/null; "
                + (shareGone ? "[ -e \"$1/$2\" ] && echo \"$1/$2\"; [ -e \"$3/$2\" ] && echo \"$3/$2\"; " : "") + "true";
        String left = "";
        for (int attempt = 0; attempt < 300; attempt++) {
            left = TestLab.onHost(host, List.of("sh", "-c", check, "sh", root, id, TestLab.exportRoot(host).toString()))
                    .stdout().trim();
            if (left.isEmpty()) {
                // and btrfs's cleaner done with what was deleted, so that the next test's quotas count from a quiet disk
                TestLab.onHost(host, List.of("btrfs", "subvolume", "sync", root));
                TestLab.onHost(host, List.of("sync")); // and what it wrote on its way to the disk, for the tests after
                return;
            }
            Thread.sleep(100);
        }
        assertThat(left).as("left behind on host " + host).isEmpty();
    }

    private void write(String location, String name, int bytes, Map<String, String> written) throws Exception {
        byte[] content = new byte[bytes];
        new java.util.Random(name.hashCode()).nextBytes(content);
        Path file = Files.write(local.resolve(name), content);
        assertThat(nfs.copyIn(file, location, name)).as("write " + name).isTrue();
        written.put(name, MigrationChecks.sha256(file));
    }

    private String location(String id) {
        return (String) client.get("/v2/shares/" + id + "/export_locations").list("export_locations").get(0).get("path");
    }

    private void allow(String id) throws InterruptedException {
        assertThat(client.post("/v2/shares/" + id + "/action", "{\"allow_access\": {\"access_type\": \"ip\","
                + " \"access_to\": \"127.0.0.1\", \"access_level\": \"rw\"}}").status()).isEqualTo(200);
        for (int attempt = 0; attempt < 1000; attempt++) {
            if ("active".equals(client.get("/v2/shares/" + id).object("share").get("access_rules_status"))) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("access to " + id + " never became active");
    }
}
