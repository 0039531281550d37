package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.manilaj.api.ManilaClient.PROJECT;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every malformed request gets a 4xx with Manila's error body, never a 500, and changes nothing. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ValidationTest {
    private static final Path SHARES = TestPaths.tempDirectory("manila-validation");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:mem:validation;DB_CLOSE_DELAY=-1"),
            ConfigOverride.config("backends[0].storage_root", SHARES.toString()));

    private ManilaClient client;

    @BeforeEach
    void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
    }

    private static void assertFault(ManilaClient.Reply reply, int status, String fault) {
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
        assertThat(reply.body()).containsOnlyKeys(fault);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) reply.body().get(fault);
        assertThat(body).containsEntry("code", status).containsKey("message");
        assertThat((String) body.get("message")).isNotBlank().doesNotContain("org.manilaj", "Exception");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"share\": {\"share_proto\": \"CIFS\", \"size\": 1}}",
        "{\"share\": {\"share_proto\": \"nfs4\", \"size\": 1}}",
        "{\"share\": {\"size\": 1}}",
        "{\"share\": {\"share_proto\": \"NFS\"}}",
        "{\"share\": {\"share_proto\": \"NFS\", \"size\": 0}}",
        "{\"share\": {\"share_proto\": \"NFS\", \"size\": -3}}",
        "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1.5}}",
        "{\"share\": {\"share_proto\": \"NFS\", \"size\": \"one\"}}",
        "{\"share\": {\"share_proto\": \"NFS\", \"size\": 99999999999}}",
        "{\"share\": {\"share_proto\": \"NFS\", \"size\": [1]}}",
        "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"is_public\": \"maybe\"}}",
        "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"snapshot_id\": \"abc\"}}",
        "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"metadata\": [1, 2]}}",
        "{\"share\": {\"share_proto\": [\"NFS\"], \"size\": 1}}",
        "{\"share\": null}",
        "{\"shares\": {\"share_proto\": \"NFS\", \"size\": 1}}",
        "[]",
        "\"share\"",
        "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1",
        "not json at all",
    })
    void refusesMalformedShareCreates(String body) {
        int before = client.get("/v2/shares").list("shares").size();
        assertFault(client.post("/v2/shares", body), 400, "badRequest");
        assertThat(client.get("/v2/shares").list("shares")).hasSize(before);
    }

    @Test
    void refusesOverlongNamesAndDescriptions() {
        String longText = "x".repeat(256);
        assertFault(client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"name\": \"" + longText + "\"}}"),
                400, "badRequest");
        assertFault(client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"description\": \""
                + longText + "\"}}"), 400, "badRequest");
        assertThat(client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"name\": \""
                + "x".repeat(255) + "\"}}").status()).isEqualTo(200);
    }

    @Test
    void refusesAnUnknownShareType() {
        assertFault(client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"share_type\": \"nope\"}}"),
                404, "itemNotFound");
    }

    @Test
    void answersUnknownSharesAndPathsWithItemNotFound() {
        String missing = UUID.randomUUID().toString();
        assertFault(client.get("/v2/shares/" + missing), 404, "itemNotFound");
        assertFault(client.delete("/v2/shares/" + missing), 404, "itemNotFound");
        assertFault(client.put("/v2/shares/" + missing, "{\"share\": {\"name\": \"x\"}}"), 404, "itemNotFound");
        assertFault(client.get("/v2/shares/" + missing + "/export_locations"), 404, "itemNotFound");
        assertFault(client.get("/v2/no-such-collection"), 404, "itemNotFound");
        assertFault(client.get("/v2/types/" + missing), 404, "itemNotFound");
        assertFault(client.send("PATCH", "/v2/shares", "{}"), 405, "badMethod");
    }

    @Test
    void exportLocationsNeedMicroversion29() {
        String id = client.createShare(1);
        client.awaitStatus(id, "available");
        assertFault(client.withHeader("X-OpenStack-Manila-API-Version", "2.8").get("/v2/shares/" + id + "/export_locations"),
                404, "itemNotFound");
        assertThat(client.withHeader("X-OpenStack-Manila-API-Version", "2.9").get("/v2/shares/" + id + "/export_locations")
                .status()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({"2.66, 406", "3.0, 406", "1.9, 406", "2.99, 406", "latest, 400", "2, 400", "2.x, 400", "2.01, 400", "'2.1 ', 200"})
    void negotiatesTheMicroversion(String version, int status) {
        ManilaClient.Reply reply = client.withHeader("X-OpenStack-Manila-API-Version", version).get("/v2/shares");
        assertThat(reply.status()).isEqualTo(status);
        if (status == 406) {
            assertFault(reply, 406, "computeFault");
            assertThat(reply.header("X-OpenStack-Manila-API-Version")).isEqualTo(version);
        } else if (status == 400) {
            assertFault(reply, 400, "badRequest");
        }
    }

    @Test
    void refusesAProjectInTheUrlThatIsNotTheCallers() {
        assertFault(client.get("/v2/0123456789abcdef0123456789abcdef/shares"), 400, "badRequest");
        assertThat(client.get("/v2/" + PROJECT + "/shares").status()).isEqualTo(200);
    }

    @Test
    void requiresAToken() {
        assertFault(client.withHeader("X-Auth-Token", null).get("/v2/shares"), 401, "unauthorized");
        assertFault(client.withHeader("X-Auth-Token", "bad token with spaces").get("/v2/shares"), 401, "unauthorized");
        assertThat(client.withHeader("X-Auth-Token", null).get("/v2/").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({"sort_key=colour", "sort_dir=sideways", "limit=-1", "limit=ten", "offset=-5", "status=melting"})
    void refusesBadListParameters(String query) {
        assertFault(client.get("/v2/shares?" + query), 400, "badRequest");
        assertFault(client.get("/v2/shares/detail?" + query), 400, "badRequest");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"share_type\": {\"name\": \"t1\", \"extra_specs\": {}}}",
        "{\"share_type\": {\"name\": \"t2\"}}",
        "{\"share_type\": {\"name\": \"t3\", \"extra_specs\": {\"driver_handles_share_servers\": true}}}",
        "{\"share_type\": {\"name\": \"t4\", \"extra_specs\": {\"driver_handles_share_servers\": \"perhaps\"}}}",
        "{\"share_type\": {\"extra_specs\": {\"driver_handles_share_servers\": false}}}",
        "{\"share_type\": {\"name\": \"t5\", \"extra_specs\": {\"driver_handles_share_servers\": false, \"x\": {\"nested\": 1}}}}",
        "{\"share_type\": {\"name\": \"t6\", \"share_type_access:is_public\": \"sometimes\","
                + " \"extra_specs\": {\"driver_handles_share_servers\": false}}}",
        "{\"share_type\": 5}",
        "{}",
    })
    void refusesInvalidShareTypes(String body) {
        assertFault(client.post("/v2/types", body), 400, "badRequest");
    }

    @Test
    void refusesADuplicateShareTypeAndChangesToTheRequiredSpec() {
        assertFault(client.post("/v2/types", "{\"share_type\": {\"name\": \"default\", \"extra_specs\":"
                + " {\"driver_handles_share_servers\": false}}}"), 409, "conflictingRequest");
        String id = (String) client.get("/v2/types/default").object("share_type").get("id");
        assertFault(client.delete("/v2/types/" + id + "/extra_specs/driver_handles_share_servers"), 403, "forbidden");
        assertFault(client.post("/v2/types/" + id + "/extra_specs", "{\"extra_specs\": {\"driver_handles_share_servers\": true}}"),
                400, "badRequest");
        assertFault(client.delete("/v2/types/" + id + "/extra_specs/absent"), 404, "itemNotFound");
        assertFault(client.post("/v2/types/" + id + "/extra_specs", "{\"extra_specs\": {}}"), 400, "badRequest");
    }

    @Test
    void refusesToDeleteAShareTypeInUse() {
        client.createShare(1);
        String id = (String) client.get("/v2/types/default").object("share_type").get("id");
        assertFault(client.delete("/v2/types/" + id), 400, "badRequest");
    }

    @Test
    void aShareNoPoolCanHoldGoesToErrorWithAMessageAndCanBeDeleted() {
        assertThat(client.put("/v2/quota-sets/" + ManilaClient.PROJECT, "{\"quota_set\": {\"gigabytes\": -1}}").status())
                .isEqualTo(200);
        String id = client.createShare(100_000_000); // more than 20 times any test machine's disk
        Map<String, Object> failed = client.awaitStatus(id, "error");
        assertThat(failed).containsEntry("host", "");
        ManilaClient.Reply messages = client.withHeader("X-OpenStack-Manila-API-Version", "2.37").get("/v2/messages");
        assertThat(messages.list("messages")).anySatisfy(message -> assertThat(message)
                .containsEntry("resource_id", id)
                .containsEntry("action_id", "001")
                .containsEntry("detail_id", "008")
                .containsEntry("user_message", "allocate host: No storage could be allocated for this share request,"
                        + " Capacity filter didn't succeed."));
        assertFault(client.withHeader("X-OpenStack-Manila-API-Version", "2.36").get("/v2/messages"), 404, "itemNotFound");
        assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
    }

    @Test
    void refusesUnknownShareActions() {
        String id = client.createShare(1);
        assertFault(client.post("/v2/shares/" + id + "/action", "{\"os-teleport\": null}"), 400, "badRequest");
        assertFault(client.post("/v2/shares/" + id + "/action", "{}"), 400, "badRequest");
    }

    /** The root-mode metadata reaches a host command: only octal modes without set-id bits pass. */
    @Test
    void rootModeMetadataMustBeAPlainOctalMode() {
        for (String mode : new String[] {"4755", "0o755", "755 ", "rwxr-xr-x", "; rm -rf /", "77777", ""}) {
            assertFault(client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"metadata\": "
                    + "{\"manila_j:root_mode\": \"" + mode + "\"}}}"), 400, "badRequest");
        }
        assertThat(client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"metadata\": "
                + "{\"manila_j:root_mode\": \"1770\"}}}").status()).isEqualTo(200);
    }

    /** Share metadata: read, and remove a key; the service's own keys stay. */
    @Test
    void metadataKeysCanBeRemovedExceptTheServicesOwn() {
        ManilaClient.Reply created = client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, "
                + "\"metadata\": {\"team\": \"blue\", \"manila_j:root_mode\": \"0770\"}}}");
        String id = (String) created.object("share").get("id");
        assertThat(client.get("/v2/shares/" + id + "/metadata").object("metadata"))
                .containsEntry("team", "blue").containsEntry("manila_j:root_mode", "0770");
        assertThat(client.delete("/v2/shares/" + id + "/metadata/team").status()).isEqualTo(200);
        assertFault(client.delete("/v2/shares/" + id + "/metadata/team"), 404, "itemNotFound");
        assertFault(client.delete("/v2/shares/" + id + "/metadata/manila_j:root_mode"), 400, "badRequest");
        assertThat(client.get("/v2/shares/" + id + "/metadata").object("metadata")).containsOnlyKeys("manila_j:root_mode");
        assertFault(client.delete("/v2/shares/" + java.util.UUID.randomUUID() + "/metadata/team"), 404, "itemNotFound");
    }

    /** GET /v2/share-capacity: any caller; a share type it cannot see is 404, a bad zone 400. */
    @Test
    void shareCapacityAnswersWithTheLargestPlaceableShare() {
        ManilaClient.Reply reply = client.get("/v2/share-capacity?share_type=default");
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
        assertThat(reply.object("share_capacity")).containsKeys("available_gb", "largest_placeable_gb", "quota_remaining_gb");
        assertFault(client.get("/v2/share-capacity?share_type=no-such-type"), 404, "itemNotFound");
        assertFault(client.get("/v2/share-capacity?availability_zone=" + "z".repeat(256)), 400, "badRequest");
    }

    /** Inputs that used to reach a service as a null or an unchecked value and answered 500. */
    @Test
    void nullsInsideBodiesAndBadQueryValuesAre400() {
        assertFault(client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"metadata\": {\"k\": null}}}"),
                400, "badRequest");
        assertFault(client.post("/v2/types", "{\"share_type\": {\"name\": \"n\", \"extra_specs\": {\"driver_handles_share_servers\": false,"
                + " \"a\": null}}}"), 400, "badRequest");
        assertFault(client.get("/v2/scheduler-stats/pools?capabilities=null"), 400, "badRequest");
        assertFault(client.get("/v2/scheduler-stats/pools/detail?capabilities=null"), 400, "badRequest");
        assertFault(client.put("/v2/quota-sets/" + "a".repeat(65), "{\"quota_set\": {\"shares\": 5}}"), 400, "badRequest");
        assertFault(client.put("/v2/quota-sets/not-hex", "{\"quota_set\": {\"shares\": 5}}"), 400, "badRequest");
        assertFault(client.get("/v2/quota-sets/" + "b".repeat(65)), 400, "badRequest");
    }

    static Stream<Arguments> requestsJettyOrJerseyRefuse() {
        String auth = "\r\nX-Auth-Token: " + ManilaClient.TOKEN + "\r\nX-OpenStack-Manila-API-Version: 2.65";
        return Stream.of(
                Arguments.of("GET //v2/shares HTTP/1.1" + auth, 400),
                Arguments.of("GET /v2/shares%2Fdetail HTTP/1.1" + auth, 400),
                Arguments.of("GET /v2/..%2Fshares HTTP/1.1" + auth, 400),
                Arguments.of("GET /v2/%zz HTTP/1.1" + auth, 400),
                Arguments.of("GET /v2/shares/%2e%2e/types HTTP/1.1" + auth, 400),
                Arguments.of("FOO /v2/shares HTTP/1.1" + auth, 405),
                Arguments.of("PATCH /v2/shares HTTP/1.1" + auth, 405),
                Arguments.of("GET /v2/shares HTTP/1.1\r\nAccept: text/html" + auth, 406),
                Arguments.of("GET /v2/shares HTTP/1.1\r\nAccept: ;;=/" + auth, 400),
                Arguments.of("POST /v2/shares HTTP/1.1\r\nContent-Type: text/plain" + auth, 415),
                Arguments.of("POST /v2/shares HTTP/1.1\r\nContent-Type: ;;;/" + auth, 400),
                Arguments.of("POST /v2/shares HTTP/1.1\r\nContent-Type: application/json\r\nContent-Encoding: gzip" + auth, 400),
                Arguments.of("GET /v2/shares?x=" + "a".repeat(20_000) + " HTTP/1.1" + auth, 414),
                Arguments.of("GET /v2/shares HTTP/1.1\r\nX-Big: " + "a".repeat(20_000) + auth, 431));
    }

    @ParameterizedTest
    @MethodSource("requestsJettyOrJerseyRefuse")
    void errorsRaisedBeforeTheServiceSeesTheRequestCarryManilasBody(String request, int status) {
        String head = request;
        byte[] body = head.startsWith("POST") ? "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1}}".getBytes() : new byte[0];
        RawHttp.Reply reply = RawHttp.send(APP.getLocalPort(), head, body);
        assertThat(reply.status()).as(reply.head()).isEqualTo(status);
        assertThat(reply.head()).containsIgnoringCase("Content-Type: application/json");
        Map<String, Object> json = reply.json();
        assertThat(json).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> fault = (Map<String, Object>) json.values().iterator().next();
        assertThat(fault).containsEntry("code", status);
        assertThat((String) fault.get("message")).isNotBlank().doesNotContain("<", "org.", "Exception");
    }
}
