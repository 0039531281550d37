package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar draining a backend through an applied plan, killed with SIGKILL at random moments and
 * restarted: the plan finishes after the restarts, every share is on the other backend with its data, the pools'
 * books match; then a plan cancelled with its moves in flight stops cleanly, nothing left half-moved: each backend's
 * storage root holds exactly the directories of the shares it holds, with their data.
 */
class RebalanceKillNineSystemIT {
    private static final int SHARES = 6;

    @Test
    void aDrainKilledAtRandomMomentsFinishesAndACancelledPlanStopsCleanly() throws Exception {
        Path work = Files.createTempDirectory("manila-rebalance-kill");
        ServiceProcess service = new ServiceProcess(work, TwoBackendConfig.write(work), List.of());
        Random random = new Random();
        try {
            service.start();
            ManilaClient client = new ManilaClient(service.port());
            client.ensureDefaultType();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < SHARES; i++) {
                String id = client.createShare(5);
                assertThat(client.awaitStatus(id, "available")).containsEntry("host", TwoBackendConfig.FIRST);
                byte[] data = new byte[4 << 20];
                random.nextBytes(data);
                Files.write(work.resolve("var/shares").resolve(id).resolve("data.bin"), data);
                ids.add(id);
            }
            Map<String, String> before = new java.util.TreeMap<>();
            for (String id : ids) {
                before.put(id, MigrationChecks.sha256(work.resolve("var/shares").resolve(id).resolve("data.bin")));
            }

            ManilaClient.Reply applied = client.post("/v2/admin/backends/local/drain", "{\"drain\": {\"dry_run\": false}}");
            assertThat(applied.status()).as(applied.raw().body()).isEqualTo(202);
            String planId = (String) applied.object("rebalance_plan").get("id");
            for (int kill = 0; kill < 4; kill++) {
                Thread.sleep(500 + random.nextInt(3000));
                service.kill();
                service.start();
                client = new ManilaClient(service.port());
            }
            Map<String, Object> done = client.awaitPlan(planId, "done");
            assertThat(done).extracting(plan -> plan.get("moves_by_status")).isEqualTo(Map.of("pending", 0, "running", 0,
                    "done", SHARES, "failed", 0, "skipped", 0, "cancelled", 0));
            for (String id : ids) {
                assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("host", TwoBackendConfig.SECOND)
                        .containsEntry("status", "available");
                assertThat(MigrationChecks.sha256(work.resolve("var/second").resolve(id).resolve("data.bin")))
                        .isEqualTo(before.get(id));
                assertThat(work.resolve("var/shares").resolve(id)).as("nothing left on the drained backend").doesNotExist();
            }
            assertThat(MigrationChecks.allocated(client, TwoBackendConfig.FIRST)).isZero();
            assertThat(MigrationChecks.allocated(client, TwoBackendConfig.SECOND)).isEqualTo(5L * SHARES);
            assertThat(client.get("/v2/services?host=manila@local").list("services")).singleElement()
                    .satisfies(local -> assertThat(local).containsEntry("status", "disabled"));

            // back the other way, cancelled at once with the moves under way cancelled too
            client.put("/v2/services/enable", "{\"host\": \"manila@local\", \"binary\": \"manila-share\"}");
            ManilaClient.Reply back = client.post("/v2/admin/backends/second/drain", "{\"drain\": {\"dry_run\": false}}");
            assertThat(back.status()).as(back.raw().body()).isEqualTo(202);
            String backId = (String) back.object("rebalance_plan").get("id");
            awaitRunningMove(client, backId); // cancelled with a migration under way
            ManilaClient.Reply cancelled = client.post("/v2/admin/rebalance-plans/" + backId + "/cancel",
                    "{\"cancel\": {\"in_flight\": \"cancel\"}}");
            assertThat(cancelled.status()).as(cancelled.raw().body()).isIn(202, 409); // 409: it finished first
            Map<String, Object> ended = client.awaitPlanEnded(backId);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> moves = (List<Map<String, Object>>) ended.get("moves");
            long onFirst = 0;
            for (Map<String, Object> move : moves) {
                assertThat(move.get("status")).isIn("done", "cancelled");
                Map<String, Object> share = client.get("/v2/shares/" + move.get("share_id")).object("share");
                assertThat(share).containsEntry("status", "available");
                assertThat(share.get("host")).isEqualTo("done".equals(move.get("status")) ? TwoBackendConfig.FIRST
                        : TwoBackendConfig.SECOND);
                onFirst += "done".equals(move.get("status")) ? 5 : 0;
            }
            assertThat(MigrationChecks.allocated(client, TwoBackendConfig.FIRST)).isEqualTo(onFirst);
            assertThat(MigrationChecks.allocated(client, TwoBackendConfig.SECOND)).isEqualTo(5L * SHARES - onFirst);
            // on disk too: each storage root holds exactly the directories of the shares its backend holds (a cancelled
            // move's half-copied destination is gone, a finished move's source too), each with its data
            java.util.Set<String> firstHolds = new java.util.TreeSet<>();
            java.util.Set<String> secondHolds = new java.util.TreeSet<>();
            for (String id : ids) {
                String host = (String) client.get("/v2/shares/" + id).object("share").get("host");
                (TwoBackendConfig.FIRST.equals(host) ? firstHolds : secondHolds).add(id);
                assertThat(host).isIn(TwoBackendConfig.FIRST, TwoBackendConfig.SECOND);
            }
            assertThat(RebalanceThreeBackendsTest.shareDirectories(work.resolve("var/shares")))
                    .as("directories under local's storage root").containsExactlyElementsOf(firstHolds);
            assertThat(RebalanceThreeBackendsTest.shareDirectories(work.resolve("var/second")))
                    .as("directories under second's storage root").containsExactlyElementsOf(secondHolds);
            for (String id : ids) {
                Path held = work.resolve(firstHolds.contains(id) ? "var/shares" : "var/second").resolve(id);
                assertThat(MigrationChecks.sha256(held.resolve("data.bin"))).as("data of " + id).isEqualTo(before.get(id));
            }
        } finally {
            service.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static void awaitRunningMove(ManilaClient client, String id) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> plan = client.get("/v2/admin/rebalance-plans/" + id).object("rebalance_plan");
            if (((Map<String, Object>) plan.get("moves_by_status")).get("running") instanceof Number running
                    && running.intValue() > 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no move of plan " + id + " started");
    }
}
