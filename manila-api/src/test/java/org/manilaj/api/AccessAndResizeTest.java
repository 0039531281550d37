package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Access rules, extend and shrink through the API, on the local backend (pool capped at 10 GiB, ratio 1). */
@ExtendWith(DropwizardExtensionsSupport.class)
class AccessAndResizeTest {
    private static final Path SHARES = TestPaths.tempDirectory("manila-access");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:mem:access;DB_CLOSE_DELAY=-1"),
            ConfigOverride.config("backends[0].storage_root", SHARES.toString()),
            ConfigOverride.config("backends[0].pools[0].total_capacity_gb", "10"),
            ConfigOverride.config("backends[0].pools[0].max_over_subscription_ratio", "1.0"));

    private ManilaClient client;
    private String shareId;

    @BeforeEach
    void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        shareId = client.createShare(1);
        client.awaitStatus(shareId, "available");
    }

    @AfterEach
    void deleteTheShare() {
        client.delete("/v2/shares/" + shareId);
        client.awaitStatus(shareId, "gone");
    }

    private ManilaClient.Reply action(String body) {
        return client.post("/v2/shares/" + shareId + "/action", body);
    }

    private Map<String, Object> awaitRuleState(String ruleId, String state) throws InterruptedException {
        for (int attempt = 0; attempt < 500; attempt++) {
            ManilaClient.Reply reply = client.get("/v2/share-access-rules/" + ruleId);
            if (state.equals("gone") && reply.status() == 404) {
                return Map.of();
            }
            if (reply.status() == 200 && state.equals(reply.object("access").get("state"))) {
                return reply.object("access");
            }
            Thread.sleep(20);
        }
        throw new AssertionError("rule " + ruleId + " did not become " + state);
    }

    @Test
    void allowedRulesBecomeActiveAndDeniedOnesDisappear() throws Exception {
        ManilaClient.Reply allowed = action("{\"allow_access\": {\"access_type\": \"ip\", \"access_to\": \"10.0.0.0/24\","
                + " \"access_level\": \"ro\"}}");
        assertThat(allowed.status()).isEqualTo(200);
        Map<String, Object> rule = allowed.object("access");
        assertThat(rule).containsEntry("share_id", shareId).containsEntry("access_to", "10.0.0.0/24")
                .containsEntry("access_level", "ro").containsEntry("state", "queued_to_apply").containsEntry("metadata", Map.of());
        String ruleId = (String) rule.get("id");
        awaitRuleState(ruleId, "active");
        assertThat(client.get("/v2/shares/" + shareId).object("share")).containsEntry("access_rules_status", "active");

        assertThat(client.get("/v2/share-access-rules?share_id=" + shareId).list("access_list"))
                .singleElement().satisfies(listed -> assertThat(listed).containsEntry("id", ruleId).doesNotContainKey("share_id"));
        ManilaClient old = client.withHeader("X-OpenStack-Manila-API-Version", "2.44");
        assertThat(old.post("/v2/shares/" + shareId + "/action", "{\"access_list\": null}").list("access_list")).hasSize(1);
        ManilaClient v20 = client.withHeader("X-OpenStack-Manila-API-Version", "2.0");
        assertThat(v20.post("/v2/shares/" + shareId + "/action", "{\"os-access_list\": null}").list("access_list"))
                .singleElement().satisfies(listed -> assertThat(listed).containsOnlyKeys("id", "access_level", "access_to",
                        "access_type", "state"));
        assertThat(action("{\"access_list\": null}").status()).isEqualTo(404);
        assertThat(v20.post("/v2/shares/" + shareId + "/action", "{\"access_list\": null}").status()).isEqualTo(404);

        assertThat(action("{\"allow_access\": {\"access_type\": \"ip\", \"access_to\": \"10.0.0.0/24\"}}").status())
                .as("duplicate").isEqualTo(400);

        assertThat(action("{\"deny_access\": {\"access_id\": \"" + ruleId + "\"}}").status()).isEqualTo(202);
        awaitRuleState(ruleId, "gone");
        assertThat(client.get("/v2/share-access-rules?share_id=" + shareId).list("access_list")).isEmpty();
        assertThat(action("{\"deny_access\": {\"access_id\": \"" + ruleId + "\"}}").status()).isEqualTo(404);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        {"allow_access": {"access_type": "ip", "access_to": "10.0.0.0/33"}} | 400
        {"allow_access": {"access_type": "ip", "access_to": "999.1.1.1"}} | 400
        {"allow_access": {"access_type": "ip", "access_to": ""}} | 400
        {"allow_access": {"access_type": "ip", "access_to": "host.example"}} | 400
        {"allow_access": {"access_type": "ip", "access_to": "1.2.3.4; touch /tmp/x"}} | 400
        {"allow_access": {"access_type": "user", "access_to": "alice"}} | 400
        {"allow_access": {"access_type": "ip", "access_to": "1.2.3.4", "access_level": "rx"}} | 400
        {"allow_access": {"access_to": "1.2.3.4"}} | 400
        {"allow_access": {"access_type": "ip", "access_to": 1234}} | 400
        {"allow_access": null} | 400
        {"extend": {"new_size": 1}} | 400
        {"extend": {"new_size": "big"}} | 400
        {"extend": {}} | 400
        {"shrink": {"new_size": 1}} | 400
        {"shrink": {"new_size": 0}} | 400
        {"os-extend": {"new_size": 2}} | 404
        {"extend": {"new_size": 2}, "shrink": {"new_size": 1}} | 400
        """)
    void refusesBadActionsWithoutChangingAnything(String body, int status) {
        ManilaClient.Reply reply = action(body);
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
        assertThat(reply.body()).containsOnlyKeys(status == 400 ? "badRequest" : "itemNotFound");
        assertThat(client.get("/v2/share-access-rules?share_id=" + shareId).list("access_list")).isEmpty();
        assertThat(client.get("/v2/shares/" + shareId).object("share")).containsEntry("size", 1).containsEntry("status", "available");
    }

    @Test
    void extendGrowsTheShareAndItsReservationWithinThePool() {
        assertThat(action("{\"extend\": {\"new_size\": 4}}").status()).isEqualTo(202);
        assertThat(client.awaitStatus(shareId, "available")).containsEntry("size", 4);
        assertThat(provisioned()).isEqualTo(sumOfSizes());

        // the pool holds 10 GiB: growing past what is left is refused, the share keeps its size
        assertThat(action("{\"extend\": {\"new_size\": 100}}").status()).isEqualTo(202);
        Map<String, Object> after = client.awaitStatus(shareId, "available");
        assertThat(after).containsEntry("size", 4);
        List<Map<String, Object>> messages = client.get("/v2/messages").list("messages");
        assertThat(messages).anySatisfy(message -> assertThat(message).containsEntry("resource_id", shareId)
                .containsEntry("action_id", "010").containsEntry("detail_id", "008"));
        assertThat(client.get("/v2/messages?resource_id=" + shareId).list("messages")).isNotEmpty()
                .allSatisfy(message -> assertThat(message).containsEntry("resource_id", shareId));
        // the refused extend is an error to the hooks too, though the share is available again
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:access");
        database.setUser("manila");
        List<String> events = Jdbi.create(database).withHandle(handle -> handle.createQuery(
                "SELECT type FROM events WHERE share_id = :id AND type LIKE 'share.extend.%' ORDER BY seq")
                .bind("id", shareId).mapTo(String.class).list());
        assertThat(events).containsExactly("share.extend.end", "share.extend.error");
        assertThat(client.get("/v2/messages?resource_id=no-such-resource").list("messages")).isEmpty();
        assertThat(provisioned()).isEqualTo(sumOfSizes());
    }

    @Test
    void shrinkGivesCapacityBackToThePool() throws Exception {
        action("{\"extend\": {\"new_size\": 3}}");
        client.awaitStatus(shareId, "available");
        Files.write(SHARES.resolve(shareId).resolve("data"), new byte[1024 * 1024]);

        // 1 MiB of data fits in 2 GiB (refusals need real data past a GiB: ShareLifecycleSystemIT on btrfs)
        assertThat(action("{\"shrink\": {\"new_size\": 2}}").status()).isEqualTo(202);
        assertThat(client.awaitStatus(shareId, "available")).containsEntry("size", 2);
        assertThat(provisioned()).isEqualTo(sumOfSizes());
        assertThat(SHARES.resolve(shareId).resolve("data")).exists();
    }

    private long provisioned() {
        @SuppressWarnings("unchecked")
        Map<String, Object> capabilities = (Map<String, Object>) client.get("/v2/scheduler-stats/pools/detail")
                .list("pools").get(0).get("capabilities");
        return ((Number) capabilities.get("provisioned_capacity_gb")).longValue();
    }

    private long sumOfSizes() {
        return client.get("/v2/shares/detail").list("shares").stream()
                .filter(share -> !share.get("status").equals("error"))
                .mapToLong(share -> ((Number) share.get("size")).longValue()).sum();
    }
}
