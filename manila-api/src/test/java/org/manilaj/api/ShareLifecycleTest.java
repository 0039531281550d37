package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.manilaj.api.ManilaClient.PROJECT;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole service on its embedded defaults (H2 file, local directories), over real HTTP. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ShareLifecycleTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-lifecycle");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:file:" + VAR.resolve("db/manila")),
            ConfigOverride.config("backends[0].storage_root", VAR.resolve("shares").toString()));

    private ManilaClient client;

    @BeforeEach
    void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
    }

    @Test
    void createdShareBecomesAvailableWithItsDirectoryAndDeleteRemovesBoth() {
        ManilaClient.Reply created = client.post("/v2/" + PROJECT + "/shares",
                "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"name\": \"walkthrough\", \"metadata\": {\"k\": \"v\"}}}");
        assertThat(created.status()).isEqualTo(200);
        Map<String, Object> share = created.object("share");
        assertThat(share).containsEntry("status", "creating").containsEntry("name", "walkthrough")
                .containsEntry("share_proto", "NFS").containsEntry("project_id", PROJECT)
                .containsEntry("metadata", Map.of("k", "v"));
        String id = (String) share.get("id");

        Map<String, Object> available = client.awaitStatus(id, "available");
        assertThat(available).containsEntry("host", "manila@local#pool0").containsEntry("availability_zone", "nova")
                .containsEntry("share_type_name", "default").containsEntry("progress", "100%");
        Path directory = VAR.resolve("shares").resolve(id);
        assertThat(directory).isDirectory();

        List<Map<String, Object>> exports = client.get("/v2/shares/" + id + "/export_locations").list("export_locations");
        assertThat(exports).singleElement().satisfies(export -> {
            assertThat(export).containsEntry("path", "127.0.0.1:" + directory).containsEntry("preferred", true);
            ManilaClient.Reply one = client.get("/v2/shares/" + id + "/export_locations/" + export.get("id"));
            assertThat(one.status()).isEqualTo(200);
            assertThat(one.object("export_location")).containsEntry("path", "127.0.0.1:" + directory);
        });

        ManilaClient.Reply deleted = client.delete("/v2/" + PROJECT + "/shares/" + id);
        assertThat(deleted.status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
        assertThat(directory).doesNotExist();
    }

    @Test
    void listsSummariesAndDetailsWithFiltersSortingAndPaging() {
        String first = client.createShare(1);
        String second = client.createShare(2);
        client.awaitStatus(first, "available");
        client.awaitStatus(second, "available");
        client.put("/v2/shares/" + first, "{\"share\": {\"display_name\": \"alpha\", \"description\": \"first\"}}");

        Map<String, Object> summary = client.get("/v2/shares?name=alpha").list("shares").get(0);
        assertThat(summary).containsOnlyKeys("id", "name", "links").containsEntry("id", first);

        List<Map<String, Object>> bySize = client.get("/v2/shares/detail?sort_key=size&sort_dir=asc&status=available")
                .list("shares");
        assertThat(bySize).extracting(share -> share.get("size")).isSorted();
        assertThat(client.get("/v2/shares/detail?name=alpha").list("shares")).singleElement()
                .satisfies(share -> assertThat(share).containsEntry("description", "first"));
        assertThat(client.get("/v2/shares?limit=1&offset=0&sort_key=created_at&sort_dir=desc").list("shares")).hasSize(1);
        String typeId = (String) client.get("/v2/types/default").object("share_type").get("id");
        assertThat(client.get("/v2/shares?share_type_id=" + typeId).list("shares")).extracting(share -> share.get("id"))
                .contains(first, second);
        assertThat(client.get("/v2/shares?share_type_id=" + java.util.UUID.randomUUID()).list("shares")).isEmpty();
    }

    @Test
    void showsOldMicroversionsFieldsAsManilaDid() {
        String id = client.createShare(1);
        client.awaitStatus(id, "available");
        Map<String, Object> v20 = client.withHeader("X-OpenStack-Manila-API-Version", null).get("/v2/shares/" + id).object("share");
        assertThat(v20).containsEntry("share_type", "default").containsKey("export_locations")
                .doesNotContainKeys("share_type_name", "access_rules_status", "user_id");
        assertThat((String) v20.get("export_location")).endsWith("/" + id);
        Map<String, Object> v265 = client.get("/v2/shares/" + id).object("share");
        assertThat(v265).doesNotContainKeys("export_location", "export_locations")
                .containsKeys("share_type_name", "access_rules_status", "user_id", "progress");
    }

    @Test
    void echoesTheMicroversionAndDefaultsTo20() {
        ManilaClient.Reply none = client.withHeader("X-OpenStack-Manila-API-Version", null).get("/v2/shares");
        assertThat(none.header("X-OpenStack-Manila-API-Version")).isEqualTo("2.0");
        assertThat(none.header("Vary")).contains("X-OpenStack-Manila-API-Version");
        assertThat(client.get("/v2/shares").header("X-OpenStack-Manila-API-Version")).isEqualTo("2.65");
    }

    @Test
    void discoversVersions() {
        ManilaClient.Reply root = client.get("/");
        assertThat(root.status()).isEqualTo(300);
        assertThat(root.list("versions")).extracting(version -> version.get("id")).containsExactly("v1.0", "v2.0");
        ManilaClient.Reply v2 = client.get("/v2/");
        assertThat(v2.status()).isEqualTo(200);
        assertThat(v2.list("versions")).singleElement().satisfies(version -> assertThat(version)
                .containsEntry("min_version", "2.0").containsEntry("version", "2.65"));
    }

    @Test
    void shareTypesCarryTheirExtraSpecs() {
        ManilaClient.Reply created = client.post("/v2/types", "{\"share_type\": {\"name\": \"gold\", \"description\": \"fast\","
                + " \"extra_specs\": {\"driver_handles_share_servers\": \"false\", \"snapshot_support\": true, \"tier\": 1}}}");
        assertThat(created.status()).isEqualTo(200);
        Map<String, Object> type = created.object("share_type");
        assertThat(created.object("volume_type")).isEqualTo(type);
        assertThat(type.get("extra_specs")).isEqualTo(Map.of("driver_handles_share_servers", "false",
                "snapshot_support", "True", "tier", "1"));
        assertThat(type).containsEntry("is_default", false).containsEntry("share_type_access:is_public", true);
        String id = (String) type.get("id");

        assertThat(client.post("/v2/types/" + id + "/extra_specs", "{\"extra_specs\": {\"tier\": \"2\", \"colour\": \"red\"}}")
                .status()).isEqualTo(200);
        assertThat(client.get("/v2/types/" + id + "/extra_specs").object("extra_specs"))
                .containsEntry("tier", "2").containsEntry("colour", "red");
        assertThat(client.delete("/v2/types/" + id + "/extra_specs/colour").status()).isEqualTo(202);
        assertThat(client.get("/v2/types/" + id + "/extra_specs").object("extra_specs")).doesNotContainKey("colour");
        assertThat(client.get("/v2/types").list("share_types")).extracting(t -> t.get("name")).contains("default", "gold");
        assertThat(client.get("/v2/types/default").object("share_type")).containsEntry("is_default", true);

        assertThat(client.delete("/v2/types/" + id).status()).isEqualTo(202);
        assertThat(client.get("/v2/types/" + id).status()).isEqualTo(404);
    }
}
