package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A drain plan over local backends where one holds a secondary replica: the replica is listed as staying. */
@ExtendWith(DropwizardExtensionsSupport.class)
class DrainReplicasTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-drain-replicas");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = FourLocalBackends.app(VAR);

    /** A secondary replica on the drained backend stays (it moves by delete and create): the plan says so. */
    @Test
    void aDrainListsTheReplicasOnItsBackend() {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        assertThat(client.post("/v2/types", "{\"share_type\": {\"name\": \"replicated\", \"extra_specs\":"
                + " {\"driver_handles_share_servers\": false, \"replication_type\": \"dr\"}}}").status()).isIn(200, 409);
        ManilaClient.Reply created = client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1,"
                + " \"share_type\": \"replicated\", \"availability_zone\": \"zone-a\"}}");
        String shareId = (String) created.object("share").get("id");
        client.awaitStatus(shareId, "available");
        ManilaClient.Reply replica = client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"" + shareId
                + "\", \"availability_zone\": \"zone-b\"}}");
        assertThat(replica.status()).as(replica.raw().body()).isEqualTo(202);
        String replicaId = (String) replica.object("share_replica").get("id");
        String host = null;
        for (int i = 0; i < 300 && host == null; i++) {
            Map<String, Object> row = client.get("/v2/share-replicas/" + replicaId).object("share_replica");
            host = "in_sync".equals(row.get("replica_state")) ? (String) row.get("host") : null;
            pause();
        }
        assertThat(host).as("replica placed").isNotNull();
        String backend = host.replaceAll(".*@(.*)#.*", "$1");
        Map<String, Object> plan = client.post("/v2/admin/backends/" + backend + "/drain", "{\"drain\": {\"dry_run\": true}}")
                .object("rebalance_plan");
        assertThat(plan).containsEntry("complete", false);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stays = (List<Map<String, Object>>) plan.get("unmovable");
        assertThat(stays).anySatisfy(stay -> assertThat(stay).containsEntry("share_id", shareId)
                .extracting(s -> (String) s.get("reason")).asString().contains("replica"));
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
