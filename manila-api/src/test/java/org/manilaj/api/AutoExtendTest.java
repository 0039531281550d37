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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Auto-extend on the whole service with the local backend (usage read by {@code du}, one call for every share):
 * a share of a type that auto-extends past 1 % grows by 1 GiB each time real data crosses the threshold, stops at
 * its max_gib, and a share whose project's quota has no room stays as it is with a message for the tenant; wrong
 * {@code autoextend:} specs are 400s.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AutoExtendTest {
    private static final Path STORAGE = TestPaths.tempDirectory("manila-autoextend");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:mem:autoextend-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"),
            ConfigOverride.config("backends[0].storage_root", STORAGE.resolve("shares").toString()),
            ConfigOverride.config("autoextend_interval", "1s"));

    private static final Random RANDOM = new Random(7);

    private static void write(String shareId, String file, int mib) throws Exception {
        byte[] data = new byte[mib << 20];
        RANDOM.nextBytes(data); // real blocks: du counts what is allocated
        Files.write(STORAGE.resolve("shares").resolve(shareId).resolve(file), data);
    }

    @Test
    void aShareGrowsPastItsThresholdUpToItsMaxAndWithinQuota() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        assertThat(client.post("/v2/types", "{\"share_type\": {\"name\": \"growing\", \"extra_specs\": {"
                + "\"driver_handles_share_servers\": false, \"autoextend:enabled\": \"true\","
                + " \"autoextend:threshold_percent\": \"1\", \"autoextend:increment_gib\": \"1\","
                + " \"autoextend:max_gib\": \"3\"}}}").status()).isEqualTo(200);
        String id = (String) client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1,"
                + " \"share_type\": \"growing\"}}").object("share").get("id");
        client.awaitStatus(id, "available");
        Thread.sleep(2500);
        assertThat(client.get("/v2/shares/" + id).object("share")).as("empty: stays").containsEntry("size", 1);

        write(id, "a", 12); // past 1 % of 1 GiB
        client.awaitSize(id, 2);
        write(id, "b", 12); // past 1 % of 2 GiB
        client.awaitSize(id, 3);
        write(id, "c", 20); // past 1 % of 3 GiB, but 3 is the max
        Thread.sleep(3000);
        assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("size", 3);

        assertThat(client.put("/v2/quota-sets/" + ManilaClient.PROJECT, "{\"quota_set\": {\"gigabytes\": 4}}").status())
                .isEqualTo(200);
        String full = (String) client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1,"
                + " \"share_type\": \"growing\"}}").object("share").get("id");
        client.awaitStatus(full, "available");
        write(full, "a", 12);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Map<String, Object>> messages;
        do {
            Thread.sleep(200);
            messages = client.get("/v2/messages?resource_id=" + full).list("messages");
        } while (messages.isEmpty() && System.nanoTime() < deadline);
        assertThat(messages).singleElement().satisfies(message -> assertThat((String) message.get("user_message"))
                .contains("auto-extend was refused", "quota"));
        Thread.sleep(3000); // three more intervals, still refused
        assertThat(client.get("/v2/messages?resource_id=" + full).list("messages")).as("told once a day, not each interval")
                .hasSize(1);
        assertThat(client.get("/v2/shares/" + full).object("share")).containsEntry("size", 1).containsEntry("status", "available");
    }

    @Test
    void wrongAutoExtendSpecsAreRefused() {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        assertThat(client.post("/v2/types", "{\"share_type\": {\"name\": \"bad\", \"extra_specs\": {"
                + "\"driver_handles_share_servers\": false, \"autoextend:threshold_percent\": \"180\"}}}").status())
                .isEqualTo(400);
        client.ensureDefaultType();
        String typeId = (String) client.get("/v2/types/default").object("share_type").get("id");
        assertThat(client.post("/v2/types/" + typeId + "/extra_specs", "{\"extra_specs\": {\"autoextend:max_gib\": \"-1\"}}")
                .status()).isEqualTo(400);
    }
}
