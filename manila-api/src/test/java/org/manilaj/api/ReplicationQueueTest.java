package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests that arrive while a share's replication run copies (here a replica's first full copy): another
 * replica and an access rule are queued on the run, which takes the replica in a second round and then hands
 * over to an access sync. Neither waits for a periodic job (both intervals are a minute here): before the fix,
 * the second round finished the operation and the access rule stayed {@code syncing} until the reconcile.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReplicationQueueTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-replication-queue");
    private static final Path ALPHA = VAR.resolve("alpha");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = FourLocalBackends.app(VAR,
            ConfigOverride.config("replication.interval", "60s"),
            ConfigOverride.config("work.reconcile_interval", "60s"));

    @Test
    void aReplicaAndAnAccessRuleAskedDuringAFirstCopyAreBothCarriedOutByItsRun() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        assertThat(client.post("/v2/types", "{\"share_type\": {\"name\": \"replicated\", \"extra_specs\":"
                + " {\"driver_handles_share_servers\": false, \"replication_type\": \"readable\"}}}").status()).isIn(200, 409);
        ManilaClient.Reply created = client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1,"
                + " \"share_type\": \"replicated\", \"availability_zone\": \"zone-a\"}}");
        String shareId = (String) created.object("share").get("id");
        client.awaitStatus(shareId, "available");
        try (OutputStream out = Files.newOutputStream(ALPHA.resolve(shareId).resolve("big.bin"))) {
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 400; i++) { // a first copy long enough to ask things during it
                chunk[0] = (byte) i;
                out.write(chunk);
            }
        }

        ManilaClient.Reply first = client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"" + shareId
                + "\", \"availability_zone\": \"zone-b\"}}");
        assertThat(first.status()).isEqualTo(202);
        awaitCopying(client, (String) first.object("share_replica").get("id"));
        assertThat(client.post("/v2/shares/" + shareId + "/action", "{\"allow_access\": {\"access_type\": \"ip\","
                + " \"access_to\": \"10.0.0.7\", \"access_level\": \"rw\"}}").status()).isEqualTo(200);
        ManilaClient.Reply second = client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"" + shareId
                + "\"}}");
        assertThat(second.status()).as("queued on the run, not refused: " + second.raw().body()).isEqualTo(202);
        String secondId = (String) second.object("share_replica").get("id");

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> share;
        Map<String, Object> replica;
        do {
            Thread.sleep(50);
            share = client.get("/v2/shares/" + shareId).object("share");
            replica = client.get("/v2/share-replicas/" + secondId).object("share_replica");
        } while (!("active".equals(share.get("access_rules_status")) && "in_sync".equals(replica.get("replica_state")))
                && System.nanoTime() < deadline);
        assertThat(replica).as("the replica asked during the copy").containsEntry("replica_state", "in_sync");
        assertThat(share).as("the access rule asked during the copy").containsEntry("access_rules_status", "active");
    }

    /** Waits until the replica's first copy is under way (placed on a pool, its share's directory there). */
    private static void awaitCopying(ManilaClient client, String replicaId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> replica = client.get("/v2/share-replicas/" + replicaId).object("share_replica");
            if (replica.get("host") != null && !"".equals(replica.get("host"))) {
                assertThat(replica).as("asked during the copy, not after it").containsEntry("status", "creating");
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("replica " + replicaId + " was not placed");
    }
}
