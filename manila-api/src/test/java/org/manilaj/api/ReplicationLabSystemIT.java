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
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.manilaj.driver.linux.TestLab;

/**
 * The failover drill on the lab's two storage hosts (btrfs + NFS-Ganesha over SSH), in two zones of one
 * replication domain, checked through a real NFS client: a readable replica on host2 reads what was written
 * on host1 and refuses writes; host1's site is lost; the replica is promoted and takes writes; host1 comes
 * back and, after a resync, holds them too. A dr replica is not exported before its promotion.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReplicationLabSystemIT {
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-lab.yml"),
            LabOverrides.with(
                ConfigOverride.config("backends[0].replication_domain", "lab"),
                ConfigOverride.config("backends[1].replication_domain", "lab"),
                ConfigOverride.config("backends[0].pools[0].availability_zone", "zone-a"),
                ConfigOverride.config("backends[1].pools[0].availability_zone", "zone-b"),
                ConfigOverride.config("replication.interval", "2s"),
                ConfigOverride.config("work.reconcile_interval", "2s")));

    @TempDir
    Path local;
    private ManilaClient client;
    private final NfsClient nfs = new NfsClient("127.0.0.1");

    @BeforeEach
    void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        for (String type : List.of("readable", "dr")) {
            assertThat(client.post("/v2/types", "{\"share_type\": {\"name\": \"lab-" + type + "\", \"extra_specs\":"
                    + " {\"driver_handles_share_servers\": false, \"replication_type\": \"" + type + "\"}}}").status())
                    .isIn(200, 409);
        }
    }

    @Test
    void aReadableReplicaTakesOverWhenItsActiveSiteIsLostAndTheOldSiteCatchesUpWhenItReturns() throws Exception {
        String id = share("lab-readable");
        String firstLocation = location(id);
        assertThat(firstLocation).startsWith(TestLab.address(1) + ":");
        allow(id);
        Map<String, String> written = new TreeMap<>();
        for (int i = 0; i < 4; i++) {
            write(firstLocation, "site1-" + i + ".bin", 2 << 20, written);
        }
        String replicaId = createReplica(id);
        String replicaLocation = replicaLocation(replicaId);
        assertThat(replicaLocation).startsWith(TestLab.address(2) + ":");
        readsBack(replicaLocation, written);
        Path probe = Files.writeString(local.resolve("probe.txt"), "may I?\n");
        assertThat(nfs.copyIn(probe, replicaLocation, "probe.txt")).as("a write to a readable secondary").isFalse();

        // a file rewritten with its old size and time: a sync still brings it (a size-and-time check would not)
        String file = TestLab.storageRoot(1) + "/" + id + "/site1-0.bin";
        TestLab.onHost(1, List.of("sh", "-c", "cp -p \"$1\" \"$1.orig\" && printf 'rewritten' | dd of=\"$1\" conv=notrunc"
                + " status=none && touch -r \"$1.orig\" \"$1\" && rm \"$1.orig\"", "sh", file)).orThrow("rewrite on host 1");
        String rewritten = sha256OnHost(1, file);
        java.time.Instant rewrittenAt = java.time.Instant.now();
        awaitReplica(replicaId, replica -> replica.get("last_sync_at") != null && "in_sync".equals(replica.get("replica_state"))
                && java.time.LocalDateTime.parse((String) replica.get("last_sync_at")).toInstant(java.time.ZoneOffset.UTC)
                .isAfter(rewrittenAt), "synced after the rewrite");
        assertThat(sha256OnHost(2, TestLab.storageRoot(2) + "/" + id + "/site1-0.bin")).as("the rewritten file on host 2")
                .isEqualTo(rewritten);
        written.put("site1-0.bin", rewritten);

        String activeId = activeReplica(id);
        TestLab.stopHost(1);
        try {
            long started = System.nanoTime();
            assertThat(action(replicaId, "{\"promote\": null}").status()).isEqualTo(202);
            awaitReplica(replicaId, replica -> "active".equals(replica.get("replica_state")), "active");
            Map<String, Object> share = client.awaitStatus(id, "available");
            client.awaitAccessActive(id);
            long failoverMs = (System.nanoTime() - started) / 1_000_000;
            System.out.println("failover with the active site down: " + failoverMs + " ms"); // README's figure
            assertThat((String) share.get("host")).contains("lab2");
            String secondLocation = location(id);
            assertThat(secondLocation).startsWith(TestLab.address(2) + ":");
            for (int i = 0; i < 3; i++) {
                write(secondLocation, "site2-" + i + ".bin", 1 << 20, written);
            }
            readsBack(secondLocation, written);
            assertThat(replica(activeId)).containsEntry("replica_state", "out_of_sync");
        } finally {
            TestLab.startHost(1);
        }
        assertThat(action(activeId, "{\"resync\": null}").status()).isIn(202, 409);
        Map<String, Object> resynced = awaitReplica(activeId, replica -> "in_sync".equals(replica.get("replica_state"))
                && replica.get("last_sync_at") != null, "in_sync again");
        // from the snapshot both sites hold: the 3 MiB written on site 2, not the 11 MiB of a full copy
        assertThat(((Number) resynced.get("last_sync_bytes")).longValue()).as("bytes of the resync")
                .isBetween(3L << 20, 5L << 20);
        Map<String, String> onHost1 = new TreeMap<>();
        for (String name : written.keySet()) {
            onHost1.put(name, sha256OnHost(1, TestLab.storageRoot(1) + "/" + id + "/" + name));
        }
        assertThat(onHost1).as("the old site holds every file, the new ones too").isEqualTo(written);

        assertThat(client.delete("/v2/share-replicas/" + activeId).status()).isEqualTo(202);
        awaitGone(activeId);
        assertThat(client.deleteWhenIdle("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
        assertNoSnapshotsLeft(id);
    }

    private static String sha256OnHost(int host, String path) {
        return TestLab.onHost(host, List.of("sha256sum", path)).orThrow("sha256sum on host " + host).stdout().split(" ")[0];
    }

    /** Every snapshot the replication took or received is gone from both hosts with the share. */
    private static void assertNoSnapshotsLeft(String id) {
        for (int host = 1; host <= 2; host++) {
            String left = TestLab.onHost(host, List.of("sh", "-c", "ls -1 \"$1\" 2>/dev/null | grep -F \"$2\" || true", "sh",
                    TestLab.storageRoot(host) + "/.manila-snapshots", id)).stdout();
            assertThat(left).as("snapshots of " + id + " left on host " + host).isBlank();
        }
    }

    @Test
    void aDrReplicaIsNotExportedUntilPromoted() throws Exception {
        String id = share("lab-dr");
        allow(id);
        Map<String, String> written = new TreeMap<>();
        write(location(id), "data.bin", 1 << 20, written);
        String replicaId = createReplica(id);
        assertThat(client.get("/v2/share-replicas/" + replicaId + "/export-locations").list("export_locations")).isEmpty();
        String path = TestLab.address(2) + ":" + TestLab.exportRoot(2) + "/" + id;
        assertThat(nfs.canList(path)).as("a dr secondary is not exported").isFalse();

        assertThat(action(replicaId, "{\"promote\": null}").status()).isEqualTo(202);
        awaitReplica(replicaId, replica -> "active".equals(replica.get("replica_state")), "active");
        client.awaitStatus(id, "available");
        client.awaitAccessActive(id);
        assertThat(location(id)).isEqualTo(path);
        readsBack(path, written);

        String demoted = client.get("/v2/share-replicas/detail?share_id=" + id).list("share_replicas").stream()
                .filter(replica -> !replicaId.equals(replica.get("id"))).findFirst().orElseThrow().get("id").toString();
        assertThat(nfs.canList(TestLab.address(1) + ":" + TestLab.exportRoot(1) + "/" + id))
                .as("the demoted dr replica is not exported").isFalse();
        assertThat(client.delete("/v2/share-replicas/" + demoted).status()).isEqualTo(202);
        awaitGone(demoted);
        assertThat(client.deleteWhenIdle("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
        assertNoSnapshotsLeft(id);
    }

    /**
     * A planned promotion whose last copy fails while the active replica's host answers does not happen: the
     * share stays where it is, writable, and nothing its clients wrote since the last sync is lost (it used to
     * go on from the replica's last sync, as if the active site were lost).
     */
    @Test
    void aPromotionWhoseLastCopyFailsWhileTheActiveAnswersDoesNotHappen() throws Exception {
        String id = share("lab-readable");
        allow(id);
        String location = location(id);
        Map<String, String> written = new TreeMap<>();
        write(location, "before.bin", 1 << 20, written);
        String replicaId = createReplica(id);
        // host 1 answers (its exports can be cut to read-only) but can take no snapshot: the last copy fails
        String snaps = TestLab.storageRoot(1) + "/.manila-snapshots";
        TestLab.onHost(1, List.of("chattr", "+i", snaps)).orThrow("chattr on host 1");
        try {
            write(location, "after-last-sync.bin", 1 << 20, written);
            assertThat(action(replicaId, "{\"promote\": null}").status()).isEqualTo(202);
            Map<String, Object> replica = awaitReplica(replicaId, r -> "available".equals(r.get("status"))
                    && r.get("last_error") != null && ((String) r.get("last_error")).contains("last copy"), "refused");
            assertThat(replica.get("replica_state")).isNotEqualTo("active");
            Map<String, Object> share = client.awaitStatus(id, "available");
            assertThat((String) share.get("host")).contains("lab1");
            client.awaitAccessActive(id);
            write(location, "after-refusal.bin", 1 << 20, written); // writable again
            readsBack(location, written);
        } finally {
            TestLab.onHost(1, List.of("chattr", "-i", snaps));
        }
        awaitReplica(replicaId, r -> "in_sync".equals(r.get("replica_state")) && r.get("last_error") == null, "in sync");
        assertThat(action(replicaId, "{\"promote\": null}").status()).isEqualTo(202);
        awaitReplica(replicaId, r -> "active".equals(r.get("replica_state")), "active");
        client.awaitStatus(id, "available");
        client.awaitAccessActive(id);
        readsBack(location(id), written);
        String demoted = activeReplicaBesides(id, replicaId);
        assertThat(client.deleteWhenIdle("/v2/share-replicas/" + demoted).status()).isEqualTo(202);
        awaitGone(demoted);
        assertThat(client.deleteWhenIdle("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
        assertNoSnapshotsLeft(id);
    }

    private String activeReplicaBesides(String shareId, String replicaId) {
        return client.get("/v2/share-replicas/detail?share_id=" + shareId).list("share_replicas").stream()
                .filter(replica -> !replicaId.equals(replica.get("id"))).findFirst().orElseThrow().get("id").toString();
    }

    private String share(String type) {
        ManilaClient.Reply reply = client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1,"
                + " \"share_type\": \"" + type + "\", \"availability_zone\": \"zone-a\"}}");
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        String id = (String) reply.object("share").get("id");
        client.awaitStatus(id, "available");
        return id;
    }

    private String createReplica(String shareId) {
        ManilaClient.Reply reply = client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"" + shareId
                + "\", \"availability_zone\": \"zone-b\"}}");
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
        String id = (String) reply.object("share_replica").get("id");
        awaitReplica(id, replica -> "in_sync".equals(replica.get("replica_state")), "in_sync");
        return id;
    }

    private String activeReplica(String shareId) {
        return client.get("/v2/share-replicas/detail?share_id=" + shareId).list("share_replicas").stream()
                .filter(replica -> "active".equals(replica.get("replica_state"))).findFirst().orElseThrow()
                .get("id").toString();
    }

    private String replicaLocation(String replicaId) {
        return (String) client.get("/v2/share-replicas/" + replicaId + "/export-locations").list("export_locations")
                .get(0).get("path");
    }

    private Map<String, Object> replica(String id) {
        return client.get("/v2/share-replicas/" + id).object("share_replica");
    }

    private ManilaClient.Reply action(String replicaId, String body) {
        return client.post("/v2/share-replicas/" + replicaId + "/action", body);
    }

    private Map<String, Object> awaitReplica(String id, Predicate<Map<String, Object>> condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Map<String, Object> last = null;
        while (System.nanoTime() < deadline) {
            last = replica(id);
            if (condition.test(last)) {
                return last;
            }
            pause(100);
        }
        throw new AssertionError("replica " + id + " did not become " + what + ": " + last);
    }

    private void awaitGone(String replicaId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (client.get("/v2/share-replicas/" + replicaId).status() != 404) {
            assertThat(System.nanoTime()).as("replica " + replicaId + " deleted").isLessThan(deadline);
            pause(100);
        }
    }

    private void readsBack(String location, Map<String, String> written) throws Exception {
        for (Map.Entry<String, String> file : written.entrySet()) {
            Path copy = local.resolve("read-" + file.getKey());
            Files.deleteIfExists(copy);
            assertThat(nfs.copyOut(location, file.getKey(), copy)).as("read " + file.getKey() + " from " + location).isTrue();
            assertThat(MigrationChecks.sha256(copy)).as(file.getKey()).isEqualTo(file.getValue());
        }
    }

    private void write(String location, String name, int bytes, Map<String, String> written) throws Exception {
        byte[] content = new byte[bytes];
        new Random(name.hashCode()).nextBytes(content);
        Path file = Files.write(local.resolve(name), content);
        assertThat(nfs.copyIn(file, location, name)).as("write " + name + " to " + location).isTrue();
        written.put(name, MigrationChecks.sha256(file));
    }

    private String location(String id) {
        return (String) client.get("/v2/shares/" + id + "/export_locations").list("export_locations").get(0).get("path");
    }

    private void allow(String id) {
        assertThat(client.post("/v2/shares/" + id + "/action", "{\"allow_access\": {\"access_type\": \"ip\","
                + " \"access_to\": \"127.0.0.1\", \"access_level\": \"rw\"}}").status()).isEqualTo(200);
        client.awaitAccessActive(id);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
