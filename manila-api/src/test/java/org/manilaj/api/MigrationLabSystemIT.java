package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.manilaj.driver.linux.TestLab;

/**
 * A share moved between the lab's two storage hosts (btrfs + NFS-Ganesha over SSH; the file-level engine
 * over SFTP with pinned host keys) while an NFS client writes to it; the client then reads every file back
 * through the new export location, and the old one is gone.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class MigrationLabSystemIT {
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-lab.yml"),
            ConfigOverride.config("backends[0].ssh.private_key_file", TestLab.privateKey().toString()),
            ConfigOverride.config("backends[0].ssh.known_hosts_file", TestLab.knownHosts().toString()),
            ConfigOverride.config("backends[1].ssh.private_key_file", TestLab.privateKey().toString()),
            ConfigOverride.config("backends[1].ssh.known_hosts_file", TestLab.knownHosts().toString()),
            ConfigOverride.config("work.reconcile_interval", "2s"));

    @TempDir
    Path local;
    private ManilaClient client;

    @BeforeEach
    void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
    }

    @Test
    void anNfsClientWritesBeforeAndDuringTheMigrationAndReadsEverythingBackAtTheNewHost() throws Exception {
        String id = client.createShare(1);
        Map<String, Object> share = client.awaitStatus(id, "available");
        int from = share.get("host").toString().contains("@lab1#") ? 1 : 2;
        int to = 3 - from;
        String oldLocation = location(id);
        allow(id);
        NfsClient nfs = new NfsClient("127.0.0.1");
        Map<String, String> written = new TreeMap<>();
        for (int i = 0; i < 12; i++) {
            write(nfs, oldLocation, "before-" + i + ".bin", 256 * 1024 + i, written);
        }
        write(nfs, oldLocation, "large.bin", 20 << 20, written);

        String destination = "manila@lab" + to + "#pool0";
        assertThat(client.post("/v2/shares/" + id + "/action", "{\"migration_start\": {\"host\": \"" + destination
                + "\", \"writable\": true, \"preserve_metadata\": false, \"nondisruptive\": false,"
                + " \"preserve_snapshots\": false}}").status()).isEqualTo(202);
        write(nfs, oldLocation, "during-phase-1.bin", 3 << 20, written);
        awaitTaskState(id, "migration_driver_phase1_done");
        write(nfs, oldLocation, "after-phase-1.bin", 1 << 20, written);

        long completing = System.nanoTime();
        assertThat(client.post("/v2/shares/" + id + "/action", "{\"migration_complete\": null}").status()).isEqualTo(202);
        awaitTaskState(id, "migration_success");
        System.out.printf("measured: migration_complete -> migration_success %d ms%n", (System.nanoTime() - completing) / 1_000_000);
        assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("host", destination)
                .containsEntry("status", "available");
        String newLocation = location(id);
        assertThat(newLocation).startsWith(TestLab.address(to) + ":");

        Path mount = Files.createDirectory(local.resolve("mnt"));
        nfs.mount(newLocation, mount);
        try {
            Map<String, String> read = new TreeMap<>();
            for (String name : written.keySet()) {
                read.put(name, sha256(mount.resolve(name)));
            }
            assertThat(read).isEqualTo(written);
        } finally {
            NfsClient.unmount(mount);
        }
        Path late = Files.writeString(local.resolve("late.txt"), "too late");
        assertThat(nfs.copyIn(late, oldLocation, "late.txt")).as("the old export is gone").isFalse();
        assertThat(TestLab.onHost(from, List.of("test", "-e", TestLab.storageRoot(from) + "/" + id)).succeeded()).isFalse();

        assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
        assertThat(TestLab.onHost(to, List.of("test", "-e", TestLab.storageRoot(to) + "/" + id)).succeeded()).isFalse();
    }

    private void write(NfsClient nfs, String location, String name, int bytes, Map<String, String> written) throws Exception {
        byte[] content = new byte[bytes];
        new java.util.Random(name.hashCode()).nextBytes(content);
        Path file = Files.write(local.resolve(name), content);
        assertThat(nfs.copyIn(file, location, name)).as("write " + name).isTrue();
        written.put(name, sha256(file));
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

    private void awaitTaskState(String id, String taskState) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        Object task = null;
        while (System.nanoTime() < deadline) {
            task = client.get("/v2/shares/" + id).object("share").get("task_state");
            if (taskState.equals(task)) {
                return;
            }
            assertThat(task).isNotEqualTo("migration_error");
            Thread.sleep(50);
        }
        throw new AssertionError("task_state of " + id + " stayed " + task + ", not " + taskState);
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
