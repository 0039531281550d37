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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.manilaj.driver.linux.TestLab;

/** Migration between the lab's two storage hosts (btrfs + NFS-Ganesha over SSH). */
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

    /**
     * Between storage hosts over SSH no engine is offered yet (the file-level copy cannot tell a symbolic
     * link from its target over SFTP, and the btrfs engine is not built): refused before anything starts.
     */
    @Test
    void aMigrationBetweenStorageHostsIsRefusedUntilAnEngineCanDoItSafely() throws Exception {
        String id = client.createShare(1);
        Map<String, Object> share = client.awaitStatus(id, "available");
        int from = share.get("host").toString().contains("@lab1#") ? 1 : 2;
        String location = location(id);
        allow(id);
        Map<String, String> written = new TreeMap<>();
        write(new NfsClient("127.0.0.1"), location, "data.bin", 1 << 20, written);
        ManilaClient.Reply refused = client.post("/v2/shares/" + id + "/action", "{\"migration_start\": {\"host\":"
                + " \"manila@lab" + (3 - from) + "#pool0\", \"writable\": true, \"preserve_metadata\": false,"
                + " \"nondisruptive\": false, \"preserve_snapshots\": false}}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.raw().body()).contains("not built yet");
        assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("status", "available")
                .containsEntry("task_state", null);
        assertThat(TestLab.onHost(from, List.of("test", "-e", TestLab.storageRoot(from) + "/" + id + "/data.bin"))
                .succeeded()).isTrue();
        assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
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

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
