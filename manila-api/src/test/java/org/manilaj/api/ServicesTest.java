package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Manila's services API on four local backends: one {@code manila-share} service per backend, up while its
 * stats report; a disabled backend keeps its shares but gets no new share, replica or migration, and shows
 * its reason; Manila's codes for what is not a service.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ServicesTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-services");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = FourLocalBackends.app(VAR);

    @Test
    void aDisabledBackendKeepsItsSharesButGetsNoNewOnesUntilEnabled() {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        List<Map<String, Object>> services = client.get("/v2/services").list("services");
        assertThat(services).extracting(service -> service.get("host"))
                .containsExactly("manila@alpha", "manila@beta", "manila@gamma", "manila@loner");
        assertThat(services.get(0)).containsEntry("id", 1).containsEntry("binary", "manila-share")
                .containsEntry("zone", "zone-a").containsEntry("status", "enabled").containsEntry("state", "up")
                .containsKey("updated_at");
        assertThat(client.get("/v2/services?zone=zone-b&status=enabled").list("services")).hasSize(3);

        String kept = client.createShare(1); // the largest pool: loner
        assertThat(client.awaitStatus(kept, "available")).containsEntry("host", "manila@loner#pool0");
        ManilaClient.Reply disabled = client.put("/v2/services/disable", "{\"host\": \"manila@loner\", \"binary\":"
                + " \"manila-share\", \"disabled_reason\": \"disk replacement\"}");
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.body()).containsEntry("host", "manila@loner").containsEntry("binary", "manila-share")
                .containsEntry("disabled", true);
        assertThat(client.get("/v2/services?status=disabled")
                .list("services")).singleElement().satisfies(service -> assertThat(service)
                .containsEntry("host", "manila@loner").containsEntry("disabled_reason", "disk replacement"));

        String placed = client.createShare(1);
        assertThat(client.awaitStatus(placed, "available").get("host")).as("not on the disabled backend")
                .isNotEqualTo("manila@loner#pool0");
        assertThat(client.get("/v2/shares/" + kept).object("share")).containsEntry("status", "available");
        assertThat(client.post("/v2/shares/" + kept + "/action", "{\"extend\": {\"new_size\": 2}}").status())
                .as("its own shares still grow").isEqualTo(202);
        assertThat(client.awaitStatus(kept, "available")).containsEntry("size", 2);
        assertThat(client.post("/v2/shares/" + placed + "/action", "{\"migration_start\": {\"host\":"
                + " \"manila@loner#pool0\", \"writable\": true, \"preserve_metadata\": false, \"nondisruptive\": false,"
                + " \"preserve_snapshots\": false}}").status()).as("no migration to it").isEqualTo(400);
        assertThat(client.delete("/v2/shares/" + kept).status()).as("its own shares are served").isEqualTo(202);
        client.awaitStatus(kept, "gone");

        assertThat(client.put("/v2/services/enable", "{\"host\": \"manila@loner\", \"binary\": \"manila-share\"}").body())
                .containsEntry("disabled", false);
        String back = client.createShare(1);
        assertThat(client.awaitStatus(back, "available")).containsEntry("host", "manila@loner#pool0");
    }

    /**
     * Placement ranks a pool snapshot it keeps for a second: each reservation made here counts in it at once, so
     * shares created one after the other spread over equal pools instead of piling onto the one that looked emptiest.
     */
    @Test
    void sharesCreatedInARowSpreadOverEqualPools() {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        String loner = "{\"host\": \"manila@loner\", \"binary\": \"manila-share\"}";
        assertThat(client.put("/v2/services/disable", loner).status()).isEqualTo(200); // the three left are equal
        try {
            List<String> hosts = new java.util.ArrayList<>();
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String id = client.createShare(10);
                ids.add(id);
                hosts.add((String) client.awaitStatus(id, "available").get("host"));
            }
            assertThat(hosts).doesNotHaveDuplicates();
            ids.forEach(id -> client.delete("/v2/shares/" + id));
            ids.forEach(id -> client.awaitStatus(id, "gone"));
        } finally {
            client.put("/v2/services/enable", loner);
        }
    }

    @Test
    void whatIsNotAServiceGetsManilasCodes() {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        assertThat(client.put("/v2/services/disable", "{\"host\": \"manila@nowhere\", \"binary\": \"manila-share\"}")
                .status()).isEqualTo(404);
        assertThat(client.put("/v2/services/disable", "{\"host\": \"other@alpha\", \"binary\": \"manila-share\"}")
                .status()).isEqualTo(404);
        assertThat(client.put("/v2/services/disable", "{\"host\": \"manila@alpha\", \"binary\": \"manila-data\"}")
                .status()).isEqualTo(404);
        assertThat(client.put("/v2/services/disable", "{\"binary\": \"manila-share\"}").status()).isEqualTo(400);
        assertThat(client.put("/v2/services/disable", "{\"host\": 7, \"binary\": \"manila-share\"}").status())
                .isEqualTo(400);
        assertThat(client.put("/v2/services/disable", "[]").status()).isEqualTo(400);
        assertThat(client.put("/v2/services/enable", "{\"host\": \"manila@alpha\", \"binary\": \"manila-share\","
                + " \"disabled_reason\": \"x\"}").status()).isEqualTo(400);
        assertThat(client.put("/v2/services/disable", "{\"host\": \"manila@alpha\", \"binary\": \"manila-share\","
                + " \"disabled_reason\": \"" + "x".repeat(256) + "\"}").status()).isEqualTo(400);
        assertThat(client.get("/v2/os-services").status()).as("os-services is for 2.6 and older").isEqualTo(404);
        assertThat(client.withHeader("X-OpenStack-Manila-API-Version", "2.6").get("/v2/os-services").list("services"))
                .hasSize(4);
        assertThat(client.withHeader("X-OpenStack-Manila-API-Version", "2.6").get("/v2/services").status())
                .isEqualTo(404);
    }
}
