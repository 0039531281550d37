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
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replication between local-directory backends (the file-level copy) over the REST API: replica create,
 * periodic sync, states, promote with and without the old active answering, resync, delete, quotas, and
 * Manila's refusals.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReplicationTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-replication");
    private static final Path ALPHA = VAR.resolve("alpha");
    private static final Path BETA = VAR.resolve("beta");
    private static final Path GAMMA = VAR.resolve("gamma");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-replication.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:file:" + VAR.resolve("db/manila")),
            ConfigOverride.config("backends[0].storage_root", ALPHA.toString()),
            ConfigOverride.config("backends[1].storage_root", BETA.toString()),
            ConfigOverride.config("backends[2].storage_root", GAMMA.toString()),
            ConfigOverride.config("backends[3].storage_root", VAR.resolve("loner").toString()));

    private static ManilaClient client;

    @BeforeAll
    static void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        ManilaClient.Reply type = client.post("/v2/types", "{\"share_type\": {\"name\": \"replicated\", \"extra_specs\":"
                + " {\"driver_handles_share_servers\": false, \"replication_type\": \"readable\"}}}");
        assertThat(type.status()).isIn(200, 409);
    }

    private static String replicatedShare() {
        ManilaClient.Reply reply = client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1,"
                + " \"share_type\": \"replicated\", \"availability_zone\": \"zone-a\"}}");
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        String id = (String) reply.object("share").get("id");
        assertThat(client.awaitStatus(id, "available")).containsEntry("host", "manila@alpha#pool0")
                .containsEntry("replication_type", "readable").containsEntry("has_replicas", false);
        return id;
    }

    private static List<Map<String, Object>> replicas(String shareId) {
        ManilaClient.Reply reply = client.get("/v2/share-replicas/detail?share_id=" + shareId);
        assertThat(reply.status()).isEqualTo(200);
        return reply.list("share_replicas");
    }

    private static Map<String, Object> replica(String id) {
        return client.get("/v2/share-replicas/" + id).object("share_replica");
    }

    private static Map<String, Object> awaitReplica(String id, Predicate<Map<String, Object>> condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> last = null;
        while (System.nanoTime() < deadline) {
            last = replica(id);
            if (condition.test(last)) {
                return last;
            }
            sleep(50);
        }
        throw new AssertionError("replica " + id + " did not become " + what + ": " + last);
    }

    private static String createReplica(String shareId, String zone) {
        ManilaClient.Reply reply = client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"" + shareId
                + "\", \"availability_zone\": \"" + zone + "\"}}");
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
        assertThat(reply.object("share_replica")).containsEntry("status", "creating");
        return (String) reply.object("share_replica").get("id");
    }

    private static ManilaClient.Reply action(String replicaId, String body) {
        return client.post("/v2/share-replicas/" + replicaId + "/action", body);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the replica's last sync is after {@code since} (a periodic or requested sync ran). */
    private static Map<String, Object> awaitSyncAfter(String replicaId, Object since) {
        return awaitReplica(replicaId, replica -> "in_sync".equals(replica.get("replica_state"))
                && replica.get("last_sync_at") != null && !replica.get("last_sync_at").equals(since), "synced again");
    }

    /** The audit sees a secondary replica whose data left its pool, and nothing when the replica is whole. */
    @Test
    void theAuditFindsASecondaryWhoseDataIsGone() throws Exception {
        String shareId = replicatedShare();
        String replicaId = createReplica(shareId, "zone-b");
        Map<String, Object> secondary = awaitReplica(replicaId, replica -> "in_sync".equals(replica.get("replica_state")), "in_sync");
        @SuppressWarnings("unchecked")
        java.util.function.Function<ManilaClient.Reply, List<Map<String, Object>>> about = reply -> ((List<Map<String, Object>>)
                reply.object("audit").get("findings")).stream().filter(finding -> shareId.equals(finding.get("subject"))).toList();
        assertThat(about.apply(client.get("/v2/admin/audit"))).isEmpty();

        String host = (String) secondary.get("host");
        Path copy = ("manila@beta#pool0".equals(host) ? BETA : GAMMA).resolve(shareId);
        assertThat(copy).isDirectory();
        try (var files = Files.walk(copy)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        assertThat(about.apply(client.get("/v2/admin/audit"))).singleElement().satisfies(finding ->
                assertThat(finding).containsEntry("kind", "missing_share").containsEntry("where", host));
    }

    @Test
    void aReplicaIsCreatedInAnotherZoneSyncedAndDeleted() throws Exception {
        String shareId = replicatedShare();
        List<Map<String, Object>> before = replicas(shareId);
        assertThat(before).singleElement().satisfies(active -> assertThat(active).containsEntry("replica_state", "active")
                .containsEntry("host", "manila@alpha#pool0").containsEntry("status", "available"));
        Files.writeString(ALPHA.resolve(shareId).resolve("before.txt"), "written before the replica\n");
        long usedReplicas = quotaInUse("share_replicas");

        String replicaId = createReplica(shareId, "zone-b");
        Map<String, Object> synced = awaitReplica(replicaId, replica -> "in_sync".equals(replica.get("replica_state")),
                "in_sync");
        String host = (String) synced.get("host");
        assertThat(host).isIn("manila@beta#pool0", "manila@gamma#pool0");
        assertThat(synced).containsEntry("availability_zone", "zone-b").containsEntry("status", "available")
                .containsEntry("cast_rules_to_readonly", true);
        Path copy = (host.contains("beta") ? BETA : GAMMA).resolve(shareId);
        assertThat(copy.resolve("before.txt")).hasContent("written before the replica");
        assertThat(client.get("/v2/shares/" + shareId).object("share")).containsEntry("has_replicas", true);
        assertThat(quotaInUse("share_replicas")).isEqualTo(usedReplicas + 1);
        assertThat(client.get("/v2/share-replicas/" + replicaId + "/export-locations").list("export_locations"))
                .singleElement().satisfies(location -> assertThat((String) location.get("path")).endsWith(shareId));

        // the periodic sync brings what is written on the active replica
        Files.writeString(ALPHA.resolve(shareId).resolve("after.txt"), "written after\n");
        awaitSyncAfter(replicaId, synced.get("last_sync_at"));
        assertThat(copy.resolve("after.txt")).hasContent("written after");

        assertThat(client.delete("/v2/shares/" + shareId).status()).as("a share with replicas").isEqualTo(400);
        // a resize applies to every replica: each pool holds the new size, each replica counts it in the quota
        long replicaGigabytes = quotaInUse("replica_gigabytes");
        long onReplicaPool = MigrationChecks.allocated(client, host);
        assertThat(client.post("/v2/shares/" + shareId + "/action", "{\"extend\": {\"new_size\": 3}}").status())
                .isEqualTo(202);
        assertThat(client.awaitStatus(shareId, "available")).containsEntry("size", 3);
        assertThat(quotaInUse("replica_gigabytes")).isEqualTo(replicaGigabytes + 4);
        assertThat(MigrationChecks.allocated(client, host)).isEqualTo(onReplicaPool + 2);
        assertThat(client.post("/v2/shares/" + shareId + "/action", "{\"shrink\": {\"new_size\": 1}}").status())
                .isEqualTo(202);
        assertThat(client.awaitStatus(shareId, "available")).containsEntry("size", 1);
        assertThat(quotaInUse("replica_gigabytes")).isEqualTo(replicaGigabytes);
        assertThat(MigrationChecks.allocated(client, host)).isEqualTo(onReplicaPool);
        String activeId = (String) before.get(0).get("id");
        assertThat(client.delete("/v2/share-replicas/" + activeId).status()).as("the active replica").isEqualTo(400);

        assertThat(client.delete("/v2/share-replicas/" + replicaId).status()).isEqualTo(202);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (client.get("/v2/share-replicas/" + replicaId).status() != 404 && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertThat(client.get("/v2/share-replicas/" + replicaId).status()).isEqualTo(404);
        assertThat(copy).doesNotExist();
        assertThat(quotaInUse("share_replicas")).isEqualTo(usedReplicas);
        assertThat(client.get("/v2/shares/" + shareId).object("share")).containsEntry("has_replicas", false);
        assertThat(client.delete("/v2/shares/" + shareId).status()).isEqualTo(202);
        client.awaitStatus(shareId, "gone");
        assertThat(quotaInUse("share_replicas")).isEqualTo(usedReplicas - 1);
    }

    @Test
    void promotionSwapsRolesAndTheOldActiveIsFedFromTheNewOne() throws Exception {
        String shareId = replicatedShare();
        String activeId = (String) replicas(shareId).get(0).get("id");
        String replicaId = createReplica(shareId, "zone-b");
        Map<String, Object> synced = awaitReplica(replicaId, replica -> "in_sync".equals(replica.get("replica_state")),
                "in_sync");
        String newHost = (String) synced.get("host");
        Path newRoot = newHost.contains("beta") ? BETA : GAMMA;
        Files.writeString(ALPHA.resolve(shareId).resolve("last-words.txt"), "written just before the promotion\n");

        assertThat(action(replicaId, "{\"promote\": null}").status()).isEqualTo(202);
        awaitReplica(replicaId, replica -> "active".equals(replica.get("replica_state")), "active");
        Map<String, Object> share = client.awaitStatus(shareId, "available");
        assertThat(share).containsEntry("host", newHost).containsEntry("availability_zone", "zone-b");
        assertThat(newRoot.resolve(shareId).resolve("last-words.txt")).as("the final pass")
                .hasContent("written just before the promotion");
        assertThat(client.get("/v2/shares/" + shareId + "/export_locations").list("export_locations"))
                .singleElement().satisfies(location -> assertThat((String) location.get("path"))
                        .contains(newRoot.resolve(shareId).toString()));
        Map<String, Object> demoted = replica(activeId);
        assertThat(demoted).containsEntry("replica_state", "in_sync").containsEntry("host", "manila@alpha#pool0");
        ManilaClient.Reply again = action(replicaId, "{\"promote\": null}");
        assertThat(again.status()).as("already active").isEqualTo(200);
        assertThat(again.object("share_replica")).containsEntry("replica_state", "active");

        // the old active now follows the new one
        Files.writeString(newRoot.resolve(shareId).resolve("on-the-new-site.txt"), "written after the promotion\n");
        awaitSyncAfter(activeId, demoted.get("last_sync_at"));
        assertThat(ALPHA.resolve(shareId).resolve("on-the-new-site.txt")).hasContent("written after the promotion");
    }

    @Test
    void promotionFromABrokenActiveIsRefusedUnlessAnAdminForcesItAndResyncBringsItBack() throws Exception {
        String shareId = replicatedShare();
        String activeId = (String) replicas(shareId).get(0).get("id");
        String replicaId = createReplica(shareId, "zone-b");
        awaitReplica(replicaId, replica -> "in_sync".equals(replica.get("replica_state")), "in_sync");
        Object activeHost = client.get("/v2/shares/" + shareId).object("share").get("host");
        Path activeData = ALPHA.resolve(shareId);
        Path lost = ALPHA.resolve("lost-" + shareId);
        Files.move(activeData, lost); // the active's storage is broken while its backend answers,
        Files.writeString(activeData, "not a share"); // and no sync can make it a replica again meanwhile

        // its host answers, so the last copy's failure stops the promotion: what it holds may be newer
        assertThat(action(replicaId, "{\"promote\": null}").status()).isEqualTo(202);
        awaitReplica(replicaId, replica -> "available".equals(replica.get("status")) && replica.get("last_error") != null
                && ((String) replica.get("last_error")).contains("last copy"), "refused");
        assertThat(client.awaitStatus(shareId, "available").get("host")).as("where it was").isEqualTo(activeHost);
        assertThat(replica(replicaId)).extracting(replica -> replica.get("replica_state")).isNotEqualTo("active");
        assertThat(action(replicaId, "{\"promote\": {\"force\": \"yes\"}}").status()).isEqualTo(400);

        assertThat(action(replicaId, "{\"promote\": {\"force\": true}}").status()).isEqualTo(202);
        awaitReplica(replicaId, replica -> "active".equals(replica.get("replica_state")), "active");
        client.awaitStatus(shareId, "available");
        assertThat(replica(activeId)).containsEntry("replica_state", "out_of_sync");

        Files.delete(activeData);
        Files.move(lost, activeData); // the site comes back
        // the promotion hands over to an access sync of the share, which may still run
        assertThat(client.whenIdle(() -> action(activeId, "{\"resync\": null}")).status()).isEqualTo(202);
        awaitReplica(activeId, replica -> "in_sync".equals(replica.get("replica_state")), "in_sync again");
    }

    @Test
    void badRequestsAreRefusedWithManilasCodes() {
        String plain = client.createShare(1);
        client.awaitStatus(plain, "available");
        assertThat(client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"" + plain + "\"}}").status())
                .as("not a replicated type").isEqualTo(400);
        assertThat(client.post("/v2/share-replicas", "{\"share_replica\": {}}").status()).as("no share_id").isEqualTo(400);
        assertThat(client.post("/v2/share-replicas", "{}").status()).isEqualTo(400);
        assertThat(client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": 7}}").status()).isEqualTo(400);
        assertThat(client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"no-such-share\"}}").status())
                .isEqualTo(404);
        assertThat(client.get("/v2/share-replicas/no-such-replica").status()).isEqualTo(404);
        assertThat(action("no-such-replica", "{\"promote\": null}").status()).isEqualTo(404);
        assertThat(client.post("/v2/types", "{\"share_type\": {\"name\": \"sync\", \"extra_specs\":"
                + " {\"driver_handles_share_servers\": false, \"replication_type\": \"writable\"}}}"))
                .satisfies(reply -> assertThat(reply.status()).isEqualTo(400))
                .satisfies(reply -> assertThat(reply.raw().body()).contains("synchronously"));

        String shareId = replicatedShare();
        String replicaId = createReplica(shareId, "zone-b");
        awaitReplica(replicaId, replica -> "in_sync".equals(replica.get("replica_state")), "in_sync");
        assertThat(action(replicaId, "{\"no_such_action\": null}").status()).isEqualTo(400);
        assertThat(action(replicaId, "{\"reset_status\": {}}").status()).as("no status").isEqualTo(400);
        assertThat(action(replicaId, "{\"reset_status\": {\"status\": null}}").status()).isEqualTo(400);
        assertThat(action(replicaId, "{\"reset_replica_state\": {}}").status()).isEqualTo(400);
        String activeId = (String) replicas(shareId).stream().filter(r -> "active".equals(r.get("replica_state")))
                .findFirst().orElseThrow().get("id");
        assertThat(action(activeId, "{\"reset_status\": {\"status\": \"error\"}}").status()).as("the active replica")
                .isEqualTo(400);
        assertThat(client.post("/v2/shares/" + shareId + "/action", "{\"reset_status\": {\"status\":"
                + " \"replication_change\"}}").status()).as("a promotion is not started by a reset").isEqualTo(400);
        assertThat(client.post("/v2/shares/" + shareId + "/action", "{\"migration_start\": {\"host\":"
                + " \"manila@loner#pool0\", \"writable\": false, \"preserve_metadata\": false, \"nondisruptive\": false,"
                + " \"preserve_snapshots\": false}}").status()).as("migrating a share with replicas").isEqualTo(400);
        assertThat(client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"" + shareId
                + "\", \"availability_zone\": \"zone-z\"}}").status()).as("a zone without pools").isEqualTo(400);
        String typeId = (String) client.get("/v2/shares/" + shareId).object("share").get("share_type");
        assertThat(client.post("/v2/types/" + typeId + "/extra_specs", "{\"extra_specs\": {\"replication_type\": \"dr\"}}")
                .status()).as("a type in use").isEqualTo(400);
        assertThat(client.delete("/v2/types/" + typeId + "/extra_specs/replication_type").status()).isEqualTo(400);
        assertThat(action(replicaId, "{\"reset_replica_state\": {\"replica_state\": \"active\"}}").status()).isEqualTo(400);
        assertThat(action(replicaId, "{\"reset_status\": {\"status\": \"deleting\"}}").status()).isEqualTo(400);
        assertThat(action(replicaId, "{\"reset_replica_state\": {\"replica_state\": \"out_of_sync\"}}").status())
                .isEqualTo(202);
        assertThat(replica(replicaId)).containsEntry("replica_state", "out_of_sync");
        // a replica on the active's own backend, or outside the domain, cannot be placed
        String onAlpha = "{\"share_replica\": {\"share_id\": \"" + shareId
                + "\", \"scheduler_hints\": {\"only_host\": \"manila@alpha#pool0\"}}}";
        ManilaClient.Reply sameBackend = client.post("/v2/share-replicas", onAlpha);
        assertThat(sameBackend.status()).isEqualTo(202);
        String misplaced = (String) sameBackend.object("share_replica").get("id");
        awaitReplica(misplaced, replica -> "error".equals(replica.get("status")), "error");
        assertThat(client.post("/v2/share-replicas",
                "{\"share_replica\": {\"share_id\": \"" + shareId + "\", \"scheduler_hints\": {\"only_host\":"
                + " \"manila@nowhere#pool0\"}}}").status()).isEqualTo(400);
    }

    @Test
    void aReplicaWhoseFirstCopyFailsEndsInErrorAndCanBeDeleted() throws Exception {
        String shareId = replicatedShare();
        Path data = ALPHA.resolve(shareId);
        Path aside = ALPHA.resolve("aside-" + shareId);
        Files.move(data, aside);
        Files.writeString(data, "not a share"); // nothing can be copied from here
        try {
            String replicaId = createReplica(shareId, "zone-b");
            Map<String, Object> failed = awaitReplica(replicaId, replica -> "error".equals(replica.get("status")), "error");
            assertThat((String) failed.get("last_error")).contains("first copy failed");
            assertThat(client.post("/v2/shares/" + shareId + "/action", "{\"extend\": {\"new_size\": 2}}").status())
                    .as("a resize while a replica is in error").isEqualTo(400);
            assertThat(client.delete("/v2/share-replicas/" + replicaId).status()).isEqualTo(202);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (client.get("/v2/share-replicas/" + replicaId).status() != 404 && System.nanoTime() < deadline) {
                sleep(50);
            }
            assertThat(client.get("/v2/share-replicas/" + replicaId).status()).isEqualTo(404);
        } finally {
            Files.delete(data);
            Files.move(aside, data);
        }
    }

    private static long quotaInUse(String resource) {
        Map<String, Object> detail = client.get("/v2/quota-sets/" + ManilaClient.PROJECT + "/detail").object("quota_set");
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) detail.get(resource);
        return ((Number) entry.get("in_use")).longValue();
    }
}
