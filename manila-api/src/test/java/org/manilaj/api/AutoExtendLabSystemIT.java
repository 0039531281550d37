package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-extend on the lab (btrfs qgroups read by the host script, one SSH round trip per host): 840 MiB written
 * through NFS into a 1 GiB share (past its 80 % threshold) grow it to 2 GiB, its max_gib, within an interval or two;
 * the share's limit on the host followed (a write past the first GiB goes in), and it grows no further.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AutoExtendLabSystemIT {
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-lab.yml"),
            LabOverrides.with(
                ConfigOverride.config("database.url", "jdbc:h2:mem:autoextend-lab;DB_CLOSE_DELAY=-1"),
                ConfigOverride.config("autoextend_interval", "1s")));

    @TempDir
    Path local;
    private final NfsClient nfs = new NfsClient("127.0.0.1");

    @Test
    void aShareWrittenPastItsThresholdThroughNfsGrowsToItsMax() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        assertThat(client.post("/v2/types", "{\"share_type\": {\"name\": \"growing\", \"extra_specs\": {"
                + "\"driver_handles_share_servers\": false, \"autoextend:enabled\": \"true\","
                + " \"autoextend:threshold_percent\": \"80\", \"autoextend:increment_gib\": \"1\","
                + " \"autoextend:max_gib\": \"2\"}}}").status()).isEqualTo(200);
        String id = (String) client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1,"
                + " \"share_type\": \"growing\"}}").object("share").get("id");
        client.awaitStatus(id, "available");
        assertThat(client.post("/v2/shares/" + id + "/action", "{\"allow_access\": {\"access_type\": \"ip\","
                + " \"access_to\": \"127.0.0.1\", \"access_level\": \"rw\"}}").status()).isEqualTo(200);
        client.awaitAccessActive(id);
        String location = (String) client.get("/v2/shares/" + id + "/export_locations").list("export_locations").get(0)
                .get("path");

        assertThat(nfs.copyIn(random("first.bin", 840), location, "first.bin")).isTrue(); // past 80 % of 1 GiB
        client.awaitSize(id, 2);
        // the host's quota followed: past the first GiB goes in now
        assertThat(nfs.copyIn(random("second.bin", 300), location, "second.bin")).isTrue();
        Thread.sleep(4000);
        assertThat(client.get("/v2/shares/" + id).object("share")).as("below 80 % of 2 GiB, and 2 is the max")
                .containsEntry("size", 2);

        assertThat(client.deleteWhenIdle("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
    }

    private Path random(String name, int mib) throws Exception {
        byte[] content = new byte[mib << 20];
        new Random(name.hashCode()).nextBytes(content); // incompressible: the qgroup counts it all
        return Files.write(local.resolve(name), content);
    }

}
