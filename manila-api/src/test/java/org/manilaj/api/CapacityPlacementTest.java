package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Placement through the whole service: a small thin pool ("tiny": 10 GiB, ratio 2.0), a big one
 * ("big": 100 GiB) reserved for a share type, and a backend that never reports (its SSH host does not
 * exist), which must show as down and get nothing.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class CapacityPlacementTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-capacity");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-capacity.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:file:" + VAR.resolve("db/manila")),
            ConfigOverride.config("backends[0].storage_root", VAR.resolve("tiny").toString()),
            ConfigOverride.config("backends[1].storage_root", VAR.resolve("big").toString()),
            ConfigOverride.config("backends[2].ssh.private_key_file", unreachableKey().toString()),
            ConfigOverride.config("backends[2].ssh.known_hosts_file", VAR.resolve("known_hosts").toString()));

    private ManilaClient client;

    private static Path unreachableKey() {
        try {
            Path key = VAR.resolve("id_rsa");
            KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.RSA, 2048);
            pair.writePrivateKey(key.toString());
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(VAR.resolve("known_hosts"), "");
            return key;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        // "tiny" only: a type that names its backend, as Manila's share_backend_name capability does
        client.post("/v2/types", "{\"share_type\": {\"name\": \"tiny\", \"extra_specs\":"
                + " {\"driver_handles_share_servers\": false, \"share_backend_name\": \"tiny\"}}}");
    }

    private List<String> createConcurrently(int count, String body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Callable<String>> creates = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                creates.add(() -> {
                    ManilaClient.Reply reply = client.post("/v2/shares", body);
                    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
                    return (String) reply.object("share").get("id");
                });
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> id : pool.invokeAll(creates)) {
                ids.add(id.get());
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    private Map<String, Object> poolOfBackend(String backend) {
        return client.get("/v2/scheduler-stats/pools/detail?backend=" + backend + "$").list("pools").get(0);
    }

    @Test
    void twentyConcurrentCreatesFillATwoTimesOvercommittedTenGibPoolWithExactlyFour() throws Exception {
        List<String> ids = createConcurrently(20,
                "{\"share\": {\"share_proto\": \"NFS\", \"size\": 5, \"share_type\": \"tiny\"}}");
        int available = 0;
        int failed = 0;
        for (String id : ids) {
            Map<String, Object> share = awaitSettled(id);
            if (share.get("status").equals("available")) {
                available++;
                assertThat(share).containsEntry("host", "manila@tiny#pool0");
            } else {
                failed++;
                assertThat(share).containsEntry("status", "error");
            }
        }
        assertThat(available).isEqualTo(4);
        assertThat(failed).isEqualTo(16);

        List<Map<String, Object>> messages = client.withHeader("X-OpenStack-Manila-API-Version", "2.37").get("/v2/messages")
                .list("messages");
        assertThat(messages.stream().filter(message -> ids.contains(message.get("resource_id"))
                && "008".equals(message.get("detail_id")))).hasSize(16);

        @SuppressWarnings("unchecked")
        Map<String, Object> capabilities = (Map<String, Object>) poolOfBackend("tiny").get("capabilities");
        assertThat(capabilities).containsEntry("provisioned_capacity_gb", 20).containsEntry("total_capacity_gb", 10.0)
                .containsEntry("max_over_subscription_ratio", 2.0).containsEntry("thin_provisioning", true)
                .containsEntry("backend_state", "up");

        // deleting gives the capacity back: one more 5 GiB share fits afterwards
        String released = ids.stream().filter(id -> client.get("/v2/shares/" + id).object("share").get("status")
                .equals("available")).findFirst().orElseThrow();
        client.delete("/v2/shares/" + released);
        client.awaitStatus(released, "gone");
        String again = createConcurrently(1, "{\"share\": {\"share_proto\": \"NFS\", \"size\": 5, \"share_type\": \"tiny\"}}")
                .get(0);
        assertThat(client.awaitStatus(again, "available")).containsEntry("host", "manila@tiny#pool0");
        for (String id : ids) {
            client.delete("/v2/shares/" + id);
        }
        client.delete("/v2/shares/" + again);
    }

    @Test
    void newSharesGoToThePoolWithMoreVirtualFreeCapacity() throws Exception {
        String id = client.createShare(1);
        assertThat(client.awaitStatus(id, "available")).containsEntry("host", "manila@big#pool0");
        client.delete("/v2/shares/" + id);
    }

    @Test
    void aBackendThatNeverReportsIsDownAndGetsNothing() {
        List<Map<String, Object>> pools = client.get("/v2/scheduler-stats/pools/detail").list("pools");
        assertThat(pools).extracting(pool -> pool.get("name"))
                .containsExactlyInAnyOrder("manila@tiny#pool0", "manila@big#pool0", "manila@unreachable#pool0");
        @SuppressWarnings("unchecked")
        Map<String, Object> unreachable = (Map<String, Object>) pools.stream()
                .filter(pool -> pool.get("backend").equals("unreachable")).findFirst().orElseThrow().get("capabilities");
        assertThat(unreachable).containsEntry("backend_state", "down").containsEntry("total_capacity_gb", "unknown");
    }

    @Test
    void filtersPoolsByNamePartsCapabilitiesAndShareType() {
        assertThat(client.get("/v2/scheduler-stats/pools?backend=ti").list("pools")).extracting(pool -> pool.get("name"))
                .containsExactly("manila@tiny#pool0");
        assertThat(client.get("/v2/scheduler-stats/pools?host=manila&pool=pool").list("pools")).hasSize(3);
        assertThat(client.get("/v2/scheduler-stats/pools?host=other").list("pools")).isEmpty();
        assertThat(client.get("/v2/scheduler-stats/pools?share_type=tiny").list("pools")).extracting(pool -> pool.get("name"))
                .containsExactly("manila@tiny#pool0");
        assertThat(client.get("/v2/scheduler-stats/pools?capabilities=%7B%22max_over_subscription_ratio%22%3A2%7D")
                .list("pools")).extracting(pool -> pool.get("name")).containsExactly("manila@tiny#pool0");
        Map<String, Object> summary = client.get("/v2/scheduler-stats/pools").list("pools").get(0);
        assertThat(summary).containsOnlyKeys("name", "host", "backend", "pool");
        assertThat(client.get("/v2/scheduler-stats/pools?pool=(").status()).isEqualTo(400);
        assertThat(client.get("/v2/scheduler-stats/pools?capabilities=nope").status()).isEqualTo(400);
        assertThat(client.get("/v2/scheduler-stats/pools?share_type=missing").status()).isEqualTo(404);
    }

    private Map<String, Object> awaitSettled(String id) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            Map<String, Object> share = client.get("/v2/shares/" + id).object("share");
            if (!share.get("status").equals("creating")) {
                return share;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("share " + id + " stayed in creating");
    }
}
