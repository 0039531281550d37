package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.manilaj.driver.linux.TestLab;

/**
 * A drain of the lab's host1 (btrfs + NFS-Ganesha over SSH) through an applied plan, while an NFS client keeps
 * writing and reading one of its shares through whatever export the share has: every share ends on host2 with
 * its data, every file the client wrote reads back identically, and host1 holds nothing of them.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DrainLabSystemIT {
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-lab.yml"),
            LabOverrides.with(
                ConfigOverride.config("database.url", "jdbc:h2:mem:drain-lab;DB_CLOSE_DELAY=-1"),
                ConfigOverride.config("work.reconcile_interval", "2s")));

    @TempDir
    Path local;
    private final NfsClient nfs = new NfsClient("127.0.0.1");

    @Test
    void host1IsDrainedWhileAClientKeepsUsingOneOfItsShares() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        assertThat(client.put("/v2/services/disable", "{\"host\": \"manila@lab2\", \"binary\": \"manila-share\"}")
                .status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        Map<String, String> written = new ConcurrentHashMap<>();
        try {
            for (int i = 0; i < 3; i++) {
                String id = client.createShare(1);
                assertThat(client.awaitStatus(id, "available").get("host")).isEqualTo("manila@lab1#pool0");
                assertThat(client.post("/v2/shares/" + id + "/action", "{\"allow_access\": {\"access_type\": \"ip\","
                        + " \"access_to\": \"127.0.0.1\", \"access_level\": \"rw\"}}").status()).isEqualTo(200);
                ids.add(id);
            }
            for (String id : ids) {
                client.awaitAccessActive(id);
                String sum = write(location(client, id), id + "-first.bin", 4 << 20);
                assertThat(sum).as("written to " + id).isNotNull();
                written.put(id + "-first.bin", sum);
            }
        } finally {
            client.put("/v2/services/enable", "{\"host\": \"manila@lab2\", \"binary\": \"manila-share\"}");
        }

        String busy = ids.get(0);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int n = 0; !stop.get(); n++) {
                String name = "live-" + n + ".bin";
                String sum = write(location(client, busy), name, 256 << 10); // refused during the cut-over: next one
                if (sum != null) {
                    written.put(name, sum);
                }
                readBack(location(client, busy), written);
            }
        });
        writer.start();
        ManilaClient.Reply applied = client.post("/v2/admin/backends/lab1/drain", "{\"drain\": {\"dry_run\": false}}");
        assertThat(applied.status()).as(applied.raw().body()).isEqualTo(202);
        Map<String, Object> plan = client.awaitPlan((String) applied.object("rebalance_plan").get("id"), "done");
        stop.set(true);
        writer.join(60_000);

        assertThat(plan.get("moves_by_status")).isEqualTo(Map.of("pending", 0, "running", 0, "done", 3, "failed", 0,
                "skipped", 0, "cancelled", 0));
        for (String id : ids) {
            assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("host", "manila@lab2#pool0")
                    .containsEntry("status", "available");
            assertThat(location(client, id)).startsWith(TestLab.address(2) + ":");
            MigrationLabSystemIT.awaitNothingLeft(1, id, true);
        }
        assertThat(written.keySet().stream().filter(name -> name.startsWith("live-"))).as("the client wrote on").hasSizeGreaterThan(3);
        for (Map.Entry<String, String> file : written.entrySet()) { // now every acknowledged write must be there
            if (file.getKey().startsWith("live-")) {
                Path copy = local.resolve("final-" + file.getKey());
                assertThat(nfs.copyOut(location(client, busy), file.getKey(), copy)).as(file.getKey() + " reads back").isTrue();
                assertThat(MigrationChecks.sha256(copy)).as(file.getKey()).isEqualTo(file.getValue());
            }
        }
        for (String id : ids) {
            Path copy = local.resolve("check-" + id);
            assertThat(nfs.copyOut(location(client, id), id + "-first.bin", copy)).isTrue();
            assertThat(MigrationChecks.sha256(copy)).isEqualTo(written.get(id + "-first.bin"));
        }

        for (String id : ids) {
            assertThat(client.deleteWhenIdle("/v2/shares/" + id).status()).isEqualTo(202);
            client.awaitStatus(id, "gone");
        }
        client.put("/v2/services/enable", "{\"host\": \"manila@lab1\", \"binary\": \"manila-share\"}");
    }

    /** Writes random bytes as {@code name}; their checksum, or null when the share refused the write then. */
    private String write(String location, String name, int bytes) {
        try {
            byte[] content = new byte[bytes];
            new Random().nextBytes(content);
            Path file = Files.write(local.resolve(name), content);
            return nfs.copyIn(file, location, name) ? MigrationChecks.sha256(file) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Every file acknowledged so far reads back with its checksum (the live ones only: on the busy share). */
    private void readBack(String location, Map<String, String> written) {
        try {
            for (Map.Entry<String, String> file : written.entrySet()) {
                if (!file.getKey().startsWith("live-")) {
                    continue;
                }
                Path copy = local.resolve("read-" + file.getKey());
                Files.deleteIfExists(copy);
                if (nfs.copyOut(location, file.getKey(), copy)) { // a read refused mid cut-over is tried again later
                    assertThat(MigrationChecks.sha256(copy)).as(file.getKey()).isEqualTo(file.getValue());
                }
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            // the export moved meanwhile: the next round reads from the new one
        }
    }

    private static String location(ManilaClient client, String id) {
        return (String) client.get("/v2/shares/" + id + "/export_locations").list("export_locations").get(0).get("path");
    }
}
