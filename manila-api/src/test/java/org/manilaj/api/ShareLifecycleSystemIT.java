package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.manilaj.driver.linux.TestLab;

/**
 * The service against two real storage hosts over SSH (btrfs quotas, NFS-Ganesha), checked with a
 * real NFS client. Needs the lab ({@code scripts/testlab/testhosts.sh up}, SIZE of at least 3G) and
 * root: run with {@code mvn -Psystem verify}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ShareLifecycleSystemIT {
    private static final long GIB = 1024L * 1024 * 1024;
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-lab.yml"),
            ConfigOverride.config("backends[0].ssh.private_key_file", TestLab.privateKey().toString()),
            ConfigOverride.config("backends[0].ssh.known_hosts_file", TestLab.knownHosts().toString()),
            ConfigOverride.config("backends[1].ssh.private_key_file", TestLab.privateKey().toString()),
            ConfigOverride.config("backends[1].ssh.known_hosts_file", TestLab.knownHosts().toString()));

    @TempDir
    Path local;
    private ManilaClient client;

    @BeforeEach
    void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
    }

    private record Placed(String id, String location, int host) {
    }

    private Placed createShare(int size) {
        long start = System.nanoTime();
        String id = client.createShare(size);
        Map<String, Object> share = client.awaitStatus(id, "available");
        System.out.printf("measured: create -> available %d ms%n", (System.nanoTime() - start) / 1_000_000);
        String location = (String) client.get("/v2/shares/" + id + "/export_locations").list("export_locations")
                .get(0).get("path");
        int host = share.get("host").toString().contains("@lab1#") ? 1 : 2;
        return new Placed(id, location, host);
    }

    private String allow(Placed share, String address, String level) throws InterruptedException {
        long start = System.nanoTime();
        ManilaClient.Reply reply = client.post("/v2/shares/" + share.id() + "/action", "{\"allow_access\": {\"access_type\":"
                + " \"ip\", \"access_to\": \"" + address + "\", \"access_level\": \"" + level + "\"}}");
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        String ruleId = (String) reply.object("access").get("id");
        awaitAccessSettled(share);
        assertThat(client.get("/v2/share-access-rules/" + ruleId).object("access")).containsEntry("state", "active");
        System.out.printf("measured: allow_access -> active %d ms%n", (System.nanoTime() - start) / 1_000_000);
        return ruleId;
    }

    private void awaitAccessSettled(Placed share) throws InterruptedException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            Object status = client.get("/v2/shares/" + share.id()).object("share").get("access_rules_status");
            if (!"syncing".equals(status)) {
                assertThat(status).isEqualTo("active");
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("access rules of " + share.id() + " never settled");
    }

    private Map<String, Object> resize(Placed share, String action, int newSize) {
        long start = System.nanoTime();
        assertThat(client.post("/v2/shares/" + share.id() + "/action", "{\"" + action + "\": {\"new_size\": " + newSize + "}}")
                .status()).isEqualTo(202);
        Map<String, Object> result = client.awaitStatus(share.id(), "available");
        System.out.printf("measured: %s -> available %d ms%n", action, (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    @Test
    void accessRulesDecideWhichClientsMayReadAndWrite() throws Exception {
        Placed share = createShare(1);
        Path small = Files.writeString(local.resolve("small.txt"), "hello over NFS\n");
        NfsClient writer = new NfsClient("127.0.0.1");
        NfsClient reader = new NfsClient("127.0.0.9");
        NfsClient stranger = new NfsClient("127.0.0.77");
        assertThat(writer.canList(share.location())).as("no rule yet: nobody").isFalse();

        String rw = allow(share, "127.0.0.1", "rw");
        allow(share, "127.0.0.9", "ro");
        assertThat(writer.copyIn(small, share.location(), "from-writer.txt")).isTrue();
        assertThat(reader.canList(share.location())).isTrue();
        assertThat(reader.copyIn(small, share.location(), "from-reader.txt")).as("ro client writes").isFalse();
        assertThat(stranger.canList(share.location())).as("client without a rule").isFalse();
        assertThat(TestLab.onHost(share.host(), List.of("cat", TestLab.storageRoot(share.host()) + "/" + share.id()
                + "/from-writer.txt")).stdout()).isEqualTo("hello over NFS\n");

        assertThat(client.post("/v2/shares/" + share.id() + "/action", "{\"deny_access\": {\"access_id\": \"" + rw + "\"}}")
                .status()).isEqualTo(202);
        awaitAccessSettled(share);
        assertThat(writer.copyIn(small, share.location(), "after-deny.txt")).as("denied client writes").isFalse();
        assertThat(writer.canList(share.location())).isFalse();
        assertThat(reader.canList(share.location())).as("the other rule stays").isTrue();
        deleteAndCheckNothingIsLeft(share);
    }

    @Test
    void sizesAreEnforcedAndFollowExtendAndShrink() throws Exception {
        Placed share = createShare(1);
        allow(share, "127.0.0.1", "rw");
        NfsClient client = new NfsClient("127.0.0.1");
        Path big = NfsClient.zeros(local, "big.bin", GIB + GIB / 10);
        Path mount = Files.createDirectory(local.resolve("mnt"));

        assertThat(client.copyIn(big, share.location(), "big.bin")).as("1.1 GiB into a 1 GiB share").isFalse();
        client.mount(share.location(), mount);
        try {
            assertThatThrownBy(() -> write(mount.resolve("more.bin"), 1024 * 1024))
                    .isInstanceOf(IOException.class).hasMessageContaining("quota exceeded");
            Files.delete(mount.resolve("big.bin"));
        } finally {
            NfsClient.unmount(mount);
        }

        assertThat(resize(share, "extend", 2)).containsEntry("size", 2);
        assertThat(client.copyIn(big, share.location(), "big.bin")).as("the same write after extend").isTrue();

        Map<String, Object> refused = resize(share, "shrink", 1);
        assertThat(refused).containsEntry("size", 2);
        assertThat(this.client.get("/v2/messages").list("messages")).anySatisfy(message -> assertThat(message)
                .containsEntry("resource_id", share.id()).containsEntry("detail_id", "016"));
        assertThat(TestLab.onHost(share.host(), List.of("btrfs", "qgroup", "show", "-reF", "--raw",
                TestLab.storageRoot(share.host()) + "/" + share.id())).stdout()).contains(Long.toString(2 * GIB));

        client.mount(share.location(), mount);
        try {
            Files.delete(mount.resolve("big.bin"));
        } finally {
            NfsClient.unmount(mount);
        }
        assertThat(resize(share, "shrink", 1)).containsEntry("size", 1);
        assertThat(client.copyIn(big, share.location(), "again.bin")).as("1.1 GiB after shrinking to 1 GiB").isFalse();
        deleteAndCheckNothingIsLeft(share);
    }

    private static void write(Path file, int bytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[bytes]);
        }
    }

    private void deleteAndCheckNothingIsLeft(Placed share) {
        long start = System.nanoTime();
        assertThat(client.delete("/v2/shares/" + share.id()).status()).isEqualTo(202);
        client.awaitStatus(share.id(), "gone");
        System.out.printf("measured: delete -> gone %d ms%n", (System.nanoTime() - start) / 1_000_000);
        int host = share.host();
        assertThat(TestLab.onHost(host, List.of("test", "-e", TestLab.storageRoot(host) + "/" + share.id())).succeeded()).isFalse();
        assertThat(TestLab.onHost(host, List.of("test", "-e", TestLab.exportRoot(host) + "/" + share.id())).succeeded()).isFalse();
        assertThat(TestLab.onHost(host, List.of("test", "-e", "/etc/ganesha/exports.d/" + share.id() + ".conf")).succeeded())
                .isFalse();
        assertThat(TestLab.onHost(host, List.of("grep", "-c", share.id(), "/proc/self/mounts")).stdout().trim()).isEqualTo("0");
        assertThat(new NfsClient("127.0.0.1").canList(share.location())).isFalse();
    }
}
