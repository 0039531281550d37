package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.manilaj.core.auth.TokenService;

/** Token mode: every endpoint walked as another project's member, as a member of the owning project, and as nobody. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AuthIsolationTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-auth");
    private static final String DB_URL = "jdbc:h2:file:" + VAR.resolve("db/manila");
    private static final String PROJECT_A = "aaaa0000aaaa0000aaaa0000aaaa0000";
    private static final String PROJECT_B = "bbbb0000bbbb0000bbbb0000bbbb0000";
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.url", DB_URL),
            ConfigOverride.config("auth.mode", "token"),
            ConfigOverride.config("quotas.shares", "3"),
            ConfigOverride.config("quotas.gigabytes", "10"),
            ConfigOverride.config("backends[0].storage_root", VAR.resolve("shares").toString()));

    private static ManilaClient admin;
    private static ManilaClient memberA;
    private static ManilaClient memberB;
    private static ManilaClient anonymous;
    private static String shareA;
    private static String ruleA;
    private static String revokedToken;
    private static String expiredToken;

    private static ManilaClient as(String token) {
        return new ManilaClient(APP.getLocalPort()).withHeader("X-Auth-Token", token);
    }

    @BeforeAll
    static void issueTokensAndCreateAShareInProjectA() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(DB_URL);
        dataSource.setUser("manila");
        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        TokenService tokens = new TokenService(jdbi, Clock.systemUTC());
        admin = as(tokens.create("cccc0000", "operator", List.of("admin"), null).token());
        memberA = as(tokens.create(PROJECT_A, "alice", List.of("member"), Duration.ofDays(1)).token());
        memberB = as(tokens.create(PROJECT_B, "bob", List.of("member"), null).token());
        anonymous = as(null);
        TokenService.Issued revoked = tokens.create(PROJECT_A, "mallory", List.of("member"), null);
        tokens.revoke(revoked.stored().id());
        revokedToken = revoked.token();
        TokenService past = new TokenService(jdbi, Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC));
        expiredToken = past.create(PROJECT_A, "old", List.of("member"), Duration.ofDays(1)).token();

        admin.ensureDefaultType();
        shareA = memberA.createShare(1);
        memberA.awaitStatus(shareA, "available");
        ManilaClient.Reply rule = memberA.post("/v2/shares/" + shareA + "/action",
                "{\"allow_access\": {\"access_type\": \"ip\", \"access_to\": \"10.0.0.1\"}}");
        ruleA = (String) rule.object("access").get("id");
    }

    private static void assertStatus(ManilaClient.Reply reply, int status, String fault) {
        assertThat(reply.status()).as(reply.raw().request().method() + " " + reply.raw().uri() + " -> " + reply.raw().body())
                .isEqualTo(status);
        assertThat(reply.body()).containsOnlyKeys(fault);
    }

    @Test
    void anotherProjectSeesNothingOfProjectAsShares() {
        String share = "/v2/shares/" + shareA;
        for (ManilaClient.Reply reply : List.of(
                memberB.get(share),
                memberB.put(share, "{\"share\": {\"name\": \"stolen\"}}"),
                memberB.delete(share),
                memberB.get(share + "/export_locations"),
                memberB.post(share + "/action", "{\"extend\": {\"new_size\": 2}}"),
                memberB.post(share + "/action", "{\"shrink\": {\"new_size\": 1}}"),
                memberB.post(share + "/action", "{\"allow_access\": {\"access_type\": \"ip\", \"access_to\": \"10.0.0.2\"}}"),
                memberB.post(share + "/action", "{\"deny_access\": {\"access_id\": \"" + ruleA + "\"}}"),
                memberB.get("/v2/share-access-rules?share_id=" + shareA),
                memberB.get("/v2/share-access-rules/" + ruleA))) {
            assertStatus(reply, 404, "itemNotFound");
        }
        assertThat(memberB.get("/v2/share-access-rules/" + ruleA).raw().body()).doesNotContain(shareA);
        assertThat(memberB.get("/v2/shares").list("shares")).isEmpty();
        assertThat(memberB.get("/v2/shares/detail").list("shares")).isEmpty();
        assertThat(memberB.get("/v2/messages").list("messages")).isEmpty();
        assertStatus(memberB.get("/v2/shares?all_tenants=1"), 403, "forbidden");
        assertStatus(memberB.get("/v2/quota-sets/" + PROJECT_A), 403, "forbidden");
        assertStatus(memberB.get("/v2/" + PROJECT_A + "/shares"), 400, "badRequest");
        assertThat(memberA.get(share).object("share")).containsEntry("name", null).containsEntry("status", "available");
    }

    @Test
    void membersCannotUseAdminEndpoints() {
        String typeId = (String) memberA.get("/v2/types/default").object("share_type").get("id");
        for (ManilaClient.Reply reply : List.of(
                memberA.get("/v2/scheduler-stats/pools"),
                memberA.get("/v2/scheduler-stats/pools/detail"),
                memberA.post("/v2/types", "{\"share_type\": {\"name\": \"x\", \"extra_specs\": {\"driver_handles_share_servers\": false}}}"),
                memberA.delete("/v2/types/" + typeId),
                memberA.post("/v2/types/" + typeId + "/extra_specs", "{\"extra_specs\": {\"a\": \"b\"}}"),
                memberA.delete("/v2/types/" + typeId + "/extra_specs/a"),
                memberA.post("/v2/shares/" + shareA + "/action", "{\"reset_status\": {\"status\": \"error\"}}"),
                memberA.post("/v2/shares/" + shareA + "/action", "{\"force_delete\": null}"),
                memberA.put("/v2/quota-sets/" + PROJECT_A, "{\"quota_set\": {\"shares\": 100}}"),
                memberA.delete("/v2/quota-sets/" + PROJECT_A),
                memberA.get("/v2/quota-sets/" + PROJECT_B),
                memberA.get("/v2/shares?all_tenants=1"),
                memberA.get("/v2/services"),
                memberA.put("/v2/services/disable", "{\"host\": \"manila@local\", \"binary\": \"manila-share\"}"),
                memberA.put("/v2/services/enable", "{\"host\": \"manila@local\", \"binary\": \"manila-share\"}"),
                memberA.get("/v2/admin/pools/utilization"),
                memberA.get("/v2/admin/audit"),
                memberA.post("/v2/admin/audit", "{\"audit\": {\"fix\": true}}"),
                memberA.post("/v2/admin/rebalance-plans", "{\"rebalance_plan\": {\"dry_run\": true}}"),
                memberA.post("/v2/admin/backends/local/drain", "{\"drain\": {\"dry_run\": true}}"),
                memberA.get("/v2/admin/rebalance-plans"),
                memberA.get("/v2/admin/rebalance-plans/" + java.util.UUID.randomUUID()),
                memberA.post("/v2/admin/rebalance-plans/" + java.util.UUID.randomUUID() + "/cancel", "{}"),
                memberA.post("/v2/admin/rebalance-plans/" + java.util.UUID.randomUUID() + "/apply", ""),
                memberA.withHeader("X-OpenStack-Manila-API-Version", "2.6").get("/v2/os-services"))) {
            assertStatus(reply, 403, "forbidden");
        }
        // the admin-only replica actions are refused before the replica is even looked up
        String replica = "/v2/share-replicas/" + java.util.UUID.randomUUID() + "/action";
        for (String body : List.of("{\"resync\": null}", "{\"reset_status\": {\"status\": \"error\"}}",
                "{\"reset_replica_state\": {\"replica_state\": \"error\"}}", "{\"force_delete\": null}",
                "{\"promote\": {\"force\": true}}")) {
            assertStatus(memberA.post(replica, body), 403, "forbidden");
        }
        assertStatus(memberA.post(replica, "{\"promote\": null}"), 404, "itemNotFound");
        assertThat(memberA.get("/v2/types").status()).isEqualTo(200);
        assertThat(memberA.get("/v2/quota-sets/" + PROJECT_A).object("quota_set")).containsEntry("shares", 3);
        assertThat(memberA.get("/v2/shares/" + shareA).object("share")).doesNotContainKey("host");
    }

    /**
     * Every resource method Jersey serves, found from its resource model rather than listed by hand, in
     * every path spelling Jersey accepts (matrix parameters on each segment, a trailing slash, the project
     * form with another project's id): without a valid token each is a 401 with Manila's body, and none
     * is served, except the version documents.
     */
    @Test
    void everyResourceMethodInEveryPathSpellingNeeds401WithoutAValidToken() {
        List<ResourceMethods.Endpoint> endpoints = ResourceMethods.of(APP.getEnvironment().jersey().getResourceConfig());
        assertThat(endpoints).hasSizeGreaterThan(25);
        int checked = 0;
        for (ResourceMethods.Endpoint endpoint : endpoints) {
            String path = endpoint.samplePath(Map.of("shareId", shareA, "projectId", PROJECT_A, "accessId", ruleA));
            for (String spelling : ResourceMethods.spellings(path, PROJECT_B)) {
                for (ManilaClient client : List.of(anonymous, as("not-a-token"), as(revokedToken), as(expiredToken))) {
                    ManilaClient.Reply reply = client.send(endpoint.method(), spelling,
                            endpoint.method().equals("GET") || endpoint.method().equals("DELETE") ? null : "{}");
                    if (endpoint.public_()) {
                        assertThat(reply.status()).as(endpoint + " " + spelling).isLessThan(400);
                    } else {
                        assertStatus(reply, 401, "unauthorized");
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(500);
        assertThat(anonymous.get("/").status()).isEqualTo(300);
        assertThat(anonymous.get("/v2/").status()).isEqualTo(200);
    }

    @Test
    void anAdminSeesEveryProjectWithAllTenants() {
        String shareB = memberB.createShare(1);
        memberB.awaitStatus(shareB, "available");
        List<Object> all = admin.get("/v2/shares?all_tenants=1").list("shares").stream().map(s -> s.get("id")).toList();
        assertThat(all).contains(shareA, shareB);
        assertThat(admin.get("/v2/shares").list("shares")).isEmpty(); // its own project has none
        assertThat(admin.get("/v2/shares/" + shareA).object("share")).containsEntry("project_id", PROJECT_A)
                .containsKey("host");
        assertThat(admin.get("/v2/quota-sets/" + PROJECT_B).status()).isEqualTo(200);
        memberB.delete("/v2/shares/" + shareB);
        memberB.awaitStatus(shareB, "gone");
    }

    @Test
    void quotasStopCreatesWith413AndExtendsWith403() {
        ManilaClient.Reply tooBig = memberA.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 11}}");
        assertStatus(tooBig, 413, "overLimit");
        assertThat(tooBig.header("Retry-After")).isEqualTo("0");
        assertStatus(memberA.post("/v2/shares/" + shareA + "/action", "{\"extend\": {\"new_size\": 11}}"), 403, "forbidden");

        String second = memberA.createShare(1);
        String third = memberA.createShare(1);
        assertStatus(memberA.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1}}"), 413, "overLimit");
        Map<String, Object> detail = memberA.get("/v2/quota-sets/" + PROJECT_A + "/detail").object("quota_set");
        assertThat(detail.get("shares")).isEqualTo(Map.of("in_use", 3, "limit", 3, "reserved", 0));
        assertThat(detail.get("gigabytes")).isEqualTo(Map.of("in_use", 3, "limit", 10, "reserved", 0));

        for (String id : List.of(second, third)) {
            memberA.awaitStatus(id, "available");
            memberA.delete("/v2/shares/" + id);
            memberA.awaitStatus(id, "gone");
        }
        assertThat(memberA.get("/v2/quota-sets/" + PROJECT_A + "/detail").object("quota_set").get("shares"))
                .isEqualTo(Map.of("in_use", 1, "limit", 3, "reserved", 0));
    }

    /** Manila's private share types: listed and usable only by admins and the projects given access. */
    @Test
    void privateShareTypesAreVisibleOnlyToProjectsGivenAccess() {
        String body = "{\"share_type\": {\"name\": \"gold\", \"share_type_access:is_public\": false,"
                + " \"extra_specs\": {\"driver_handles_share_servers\": false}}}";
        String gold = (String) admin.post("/v2/types", body).object("share_type").get("id");
        assertThat(names(memberA.get("/v2/types"))).contains("default").doesNotContain("gold");
        assertStatus(memberA.get("/v2/types/" + gold), 404, "itemNotFound");
        assertStatus(memberA.get("/v2/types/" + gold + "/extra_specs"), 404, "itemNotFound");
        assertStatus(memberA.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"share_type\": \"gold\"}}"),
                404, "itemNotFound");
        assertThat(names(admin.get("/v2/types?is_public=all"))).contains("gold", "default");
        assertThat(names(admin.get("/v2/types?is_public=false"))).containsExactly("gold");

        assertStatus(memberA.post("/v2/types/" + gold + "/action", "{\"addProjectAccess\": {\"project\": \"" + PROJECT_A + "\"}}"),
                403, "forbidden");
        assertThat(admin.post("/v2/types/" + gold + "/action", "{\"addProjectAccess\": {\"project\": \"" + PROJECT_A + "\"}}")
                .status()).isEqualTo(202);
        assertStatus(admin.post("/v2/types/" + gold + "/action", "{\"addProjectAccess\": {\"project\": \"" + PROJECT_A + "\"}}"),
                409, "conflictingRequest");
        assertStatus(admin.post("/v2/types/" + gold + "/action", "{\"addProjectAccess\": {\"project\": \"not hex\"}}"),
                400, "badRequest");
        assertThat(admin.get("/v2/types/" + gold + "/share_type_access").list("share_type_access"))
                .containsExactly(Map.of("share_type_id", gold, "project_id", PROJECT_A));
        assertStatus(memberA.get("/v2/types/" + gold + "/share_type_access"), 403, "forbidden");

        assertThat(names(memberA.get("/v2/types"))).contains("gold");
        assertThat(names(memberB.get("/v2/types"))).doesNotContain("gold");
        assertThat(memberA.get("/v2/types/" + gold).status()).isEqualTo(200);
        assertStatus(memberB.get("/v2/types/" + gold), 404, "itemNotFound");

        assertThat(admin.post("/v2/types/" + gold + "/action", "{\"removeProjectAccess\": {\"project\": \"" + PROJECT_A + "\"}}")
                .status()).isEqualTo(202);
        assertStatus(admin.post("/v2/types/" + gold + "/action", "{\"removeProjectAccess\": {\"project\": \"" + PROJECT_A + "\"}}"),
                404, "itemNotFound");
        assertThat(names(memberA.get("/v2/types"))).doesNotContain("gold");
        String defaultId = (String) admin.get("/v2/types/default").object("share_type").get("id");
        assertStatus(admin.get("/v2/types/" + defaultId + "/share_type_access"), 409, "conflictingRequest");
        admin.delete("/v2/types/" + gold);
    }

    private static List<Object> names(ManilaClient.Reply reply) {
        return reply.list("share_types").stream().map(type -> type.get("name")).toList();
    }
}
