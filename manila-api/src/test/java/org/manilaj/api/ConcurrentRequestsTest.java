package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests that race for the same share or project: the database decides each race in one
 * conditional statement or unique key, the loser gets Manila's 400 or 409, never a 500, and nothing is
 * left half-done or stuck.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConcurrentRequestsTest {
    private static final Path SHARES = TestPaths.tempDirectory("manila-races");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:file:" + SHARES.resolve("db/manila")),
            ConfigOverride.config("backends[0].storage_root", SHARES.resolve("shares").toString()));
    private static final ExecutorService THREADS = Executors.newFixedThreadPool(8);

    private static ManilaClient client;

    @BeforeAll
    static void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
    }

    @AfterAll
    static void stopThreads() {
        THREADS.shutdownNow();
    }

    /** Sends all requests at the same instant and returns their statuses in order. */
    private static List<Integer> atOnce(List<Callable<ManilaClient.Reply>> requests) throws Exception {
        CyclicBarrier start = new CyclicBarrier(requests.size());
        List<Future<ManilaClient.Reply>> replies = new ArrayList<>();
        for (Callable<ManilaClient.Reply> request : requests) {
            replies.add(THREADS.submit(() -> {
                start.await();
                return request.call();
            }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<ManilaClient.Reply> reply : replies) {
            statuses.add(reply.get().status());
        }
        return statuses;
    }

    @Test
    void allowAccessRacingAResizeLeavesNoRuleQueuedAndNoSizeWrong() throws Exception {
        String id = client.createShare(5);
        client.awaitStatus(id, "available");
        int size = 5;
        int allowed = 0;
        for (int round = 0; round < 100; round++) {
            int target = round % 2 == 0 ? size + 1 : size - 1;
            String resize = round % 2 == 0 ? "extend" : "shrink";
            String address = "10.9." + (round / 250) + "." + (round % 250 + 1);
            List<Integer> statuses = atOnce(List.of(
                    () -> client.post("/v2/shares/" + id + "/action",
                            "{\"allow_access\": {\"access_type\": \"ip\", \"access_to\": \"" + address + "\"}}"),
                    () -> client.post("/v2/shares/" + id + "/action", "{\"" + resize + "\": {\"new_size\": " + target + "}}")));
            assertThat(statuses).as("round " + round).allMatch(status -> status == 200 || status == 202 || status == 400
                    || status == 409);
            if (statuses.get(0) == 200) {
                allowed++;
            }
            if (statuses.get(1) == 202) {
                size = target;
            }
            awaitSettled(id);
        }
        Map<String, Object> share = client.get("/v2/shares/" + id).object("share");
        assertThat(share).containsEntry("size", size).containsEntry("status", "available");
        assertThat(client.get("/v2/share-access-rules?share_id=" + id).list("access_list"))
                .as("one active rule per accepted allow, none left queued by a refused one").hasSize(allowed)
                .allSatisfy(rule -> assertThat(rule.get("state")).isEqualTo("active"));
    }

    @Test
    void identicalAllowAccessCallsMakeOneRule() throws Exception {
        String id = client.createShare(1);
        client.awaitStatus(id, "available");
        List<Callable<ManilaClient.Reply>> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(() -> client.post("/v2/shares/" + id + "/action",
                    "{\"allow_access\": {\"access_type\": \"ip\", \"access_to\": \"10.1.2.3\"}}"));
        }
        List<Integer> statuses = atOnce(requests);
        assertThat(statuses).filteredOn(status -> status == 200).hasSize(1);
        assertThat(statuses).allMatch(status -> status == 200 || status == 400 || status == 409);
        awaitSettled(id);
        assertThat(client.get("/v2/share-access-rules?share_id=" + id).list("access_list")).hasSize(1);
    }

    @Test
    void concurrentQuotaUpdatesOfANewProjectAllSucceed() throws Exception {
        String project = "cafe0000cafe0000cafe0000cafe0000";
        List<Callable<ManilaClient.Reply>> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int limit = 10 + i;
            requests.add(() -> client.put("/v2/quota-sets/" + project, "{\"quota_set\": {\"shares\": " + limit
                    + ", \"gigabytes\": " + (100 + limit) + "}}"));
        }
        assertThat(atOnce(requests)).allMatch(status -> status == 200 || status == 409);
        Map<String, Object> quotas = client.get("/v2/quota-sets/" + project).object("quota_set");
        assertThat((Integer) quotas.get("shares")).isBetween(10, 17);
    }

    /** Waits until the share is available with its access rules in effect. */
    private static void awaitSettled(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Object> share = null;
        while (System.nanoTime() < deadline) {
            share = client.get("/v2/shares/" + id).object("share");
            if ("available".equals(share.get("status")) && "active".equals(share.get("access_rules_status"))) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("share did not settle: " + share);
    }
}
