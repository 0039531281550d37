package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The admin commands of the packaged jar against the packaged jar running as a service (two local backends):
 * {@code pools}, {@code rebalance --dry-run}, {@code drain --dry-run} and its plan carried out by
 * {@code rebalance-apply} and followed, {@code drain} applied at once, {@code rebalance --apply} followed to its end,
 * {@code rebalance-cancel --json} of a running drain (and of one that ended), {@code rebalance-status} (and with
 * {@code --json}, listing and one plan), {@code --json}, a drain that cannot empty its backend, and the exit codes and
 * messages of a wrong URL, no token, a bad option, a refused request, a tenant's token and an unknown token.
 */
class AdminCommandsSystemIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
    }

    @Test
    void theAdminCommandsShowPlanAndCarryOutMoves() throws Exception {
        Path work = Files.createTempDirectory("manila-admin-commands");
        ServiceProcess service = new ServiceProcess(work, TwoBackendConfig.write(work), List.of());
        try {
            service.start();
            ManilaClient client = new ManilaClient(service.port());
            client.ensureDefaultType();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String id = client.createShare(10);
                client.awaitStatus(id, "available");
                ids.add(id);
            }
            Path tokenFile = Files.writeString(work.resolve("token"), ManilaClient.TOKEN + "\n");
            String url = "http://127.0.0.1:" + service.port();
            List<String> auth = List.of("--url", url, "--token-file", tokenFile.toString());

            Run pools = run(work, null, concat(List.of("pools"), auth));
            assertThat(pools.exit()).as(pools.err()).isZero();
            assertThat(pools.out()).contains("POOL", "UTILISATION", TwoBackendConfig.FIRST, TwoBackendConfig.SECOND, "#");
            Run poolsJson = run(work, Map.of("MANILA_TOKEN", ManilaClient.TOKEN), List.of("pools", "--url", url, "--json"));
            assertThat(JSON.readTree(poolsJson.out()).path("pools")).hasSize(2);

            Run dry = run(work, null, concat(List.of("rebalance", "--dry-run", "--band", "0.5"), auth));
            assertThat(dry.exit()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("SHARE", "FROM BEFORE -> AFTER", "spread", "proposed; carry it out as shown",
                    "rebalance-apply ");
            Run drainPlan = run(work, null, concat(List.of("drain", "local", "--dry-run", "--json"), auth));
            JsonNode plan = JSON.readTree(drainPlan.out());
            assertThat(plan.path("moves")).hasSize(3);
            assertThat(plan.path("complete").asBoolean()).isTrue();

            assertThat(plan.path("status").asText()).isEqualTo("proposed");
            Run drain = run(work, null, concat(List.of("rebalance-apply", plan.path("id").asText()), auth));
            assertThat(drain.exit()).as(drain.out() + drain.err()).isZero();
            assertThat(drain.out()).contains("(drain) applied: 3 move(s)", "done, 0 running, 0 left, 0 failed; 30 GiB moved");
            for (String id : ids) {
                assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("host", TwoBackendConfig.SECOND);
            }
            Run status = run(work, null, concat(List.of("rebalance-status"), auth));
            assertThat(status.out()).contains("drain", "done");
            String drainId = plan.path("id").asText();
            Run statusJson = run(work, null, concat(List.of("rebalance-status", "--json"), auth));
            assertThat(statusJson.exit()).as(statusJson.err()).isZero();
            assertThat(JSON.readTree(statusJson.out()).path("rebalance_plans")).anySatisfy(listed -> {
                assertThat(listed.path("id").asText()).isEqualTo(drainId);
                assertThat(listed.path("status").asText()).isEqualTo("done");
            });
            Run oneJson = run(work, null, concat(List.of("rebalance-status", drainId, "--json"), auth));
            assertThat(oneJson.exit()).as(oneJson.err()).isZero();
            JsonNode one = JSON.readTree(oneJson.out());
            assertThat(one.path("status").asText()).isEqualTo("done");
            assertThat(one.path("moves")).hasSize(3).allSatisfy(move -> assertThat(move.path("status").asText()).isEqualTo("done"));

            // rebalance --apply: local enabled again and empty, the plan levels the two pools and is followed to its end
            client.put("/v2/services/enable", "{\"host\": \"manila@local\", \"binary\": \"manila-share\"}");
            Run apply = run(work, null, concat(List.of("rebalance", "--apply", "--band", "0.5"), auth));
            assertThat(apply.exit()).as(apply.out() + apply.err()).isZero();
            assertThat(apply.out()).contains("SHARE", "FROM BEFORE -> AFTER", "spread");
            java.util.regex.Matcher applied = java.util.regex.Pattern
                    .compile("plan ([0-9a-f-]{36}) done: (\\d+) done, 0 running, 0 left, 0 failed; (\\d+) GiB moved")
                    .matcher(apply.out());
            assertThat(applied.find()).as(apply.out()).isTrue();
            assertThat(Integer.parseInt(applied.group(2))).as("moves done").isPositive();
            assertThat(MigrationChecks.allocated(client, TwoBackendConfig.FIRST)).as("moved back to local")
                    .isEqualTo(Long.parseLong(applied.group(3))).isPositive();
            assertThat(client.get("/v2/admin/rebalance-plans/" + applied.group(1)).object("rebalance_plan"))
                    .containsEntry("status", "done");

            // rebalance-cancel --json: a drain of local with many moves (one at a time onto second), cancelled while it
            // runs; the move under way finishes (the default), the others are cancelled
            client.put("/v2/services/disable", "{\"host\": \"manila@second\", \"binary\": \"manila-share\"}");
            List<String> extra = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = client.createShare(1);
                assertThat(client.awaitStatus(id, "available")).containsEntry("host", TwoBackendConfig.FIRST);
                extra.add(id);
            }
            client.put("/v2/services/enable", "{\"host\": \"manila@second\", \"binary\": \"manila-share\"}");
            ManilaClient.Reply draining = client.post("/v2/admin/backends/local/drain", "{\"drain\": {\"dry_run\": false}}");
            assertThat(draining.status()).as(draining.raw().body()).isEqualTo(202);
            String drainingId = (String) draining.object("rebalance_plan").get("id");
            Run cancel = run(work, null, concat(List.of("rebalance-cancel", drainingId, "--json"), auth));
            Map<String, Object> ended = client.awaitPlanEnded(drainingId);
            if (cancel.exit() == 0) {
                JsonNode cancelled = JSON.readTree(cancel.out());
                assertThat(cancelled.path("id").asText()).isEqualTo(drainingId);
                assertThat(cancelled.path("status").asText()).isIn("cancelling", "cancelled");
                assertThat(ended).containsEntry("status", "cancelled");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> moves = (List<Map<String, Object>>) ended.get("moves");
                assertThat(moves).as("the moves under way finish, the others are cancelled")
                        .allSatisfy(move -> assertThat(move.get("status")).isIn("done", "cancelled"));
                Run cancelledStatus = run(work, null, concat(List.of("rebalance-status", drainingId, "--json"), auth));
                assertThat(cancelledStatus.exit()).as(cancelledStatus.err()).isZero();
                assertThat(JSON.readTree(cancelledStatus.out()).path("status").asText()).isEqualTo("cancelled");
            } else { // the drain (a few seconds of moves) ended before the command's JVM came up: refused, not running
                assertThat(cancel.exit()).as(cancel.out() + cancel.err()).isEqualTo(1);
                assertThat(cancel.err()).contains("409", "not running");
                assertThat(ended).containsEntry("status", "done");
            }
            Run again = run(work, null, concat(List.of("rebalance-cancel", drainingId), auth));
            assertThat(again.exit()).as("a plan that ended cannot be cancelled").isEqualTo(1);
            assertThat(again.err()).contains("409", "not running");
            Run finish = run(work, null, concat(List.of("drain", "local"), auth)); // what the cancel left, moved now
            assertThat(finish.exit()).as(finish.out() + finish.err()).isZero();
            for (String id : extra) {
                assertThat(client.deleteWhenIdle("/v2/shares/" + id).status()).isEqualTo(202);
                client.awaitStatus(id, "gone");
            }
            for (String id : ids) {
                assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("host", TwoBackendConfig.SECOND);
            }
            Run stranded = run(work, null, concat(List.of("drain", "second"), auth)); // local is disabled: nowhere to go
            assertThat(stranded.exit()).as("a drain that leaves shares behind fails").isEqualTo(1);
            assertThat(stranded.out()).contains("stays: " + ids.get(0));
            assertThat(stranded.err()).contains("3 share(s) stay on second");
            Run strandedPlan = run(work, null, concat(List.of("drain", "second", "--dry-run", "--json"), auth));
            Run strandedApply = run(work, null, concat(List.of("rebalance-apply",
                    JSON.readTree(strandedPlan.out()).path("id").asText()), auth));
            assertThat(strandedApply.exit()).as("applied from its dry run, the same drain fails the same way").isEqualTo(1);
            assertThat(strandedApply.err()).contains("3 share(s) stay on second");
            Run unknownBackend = run(work, null, concat(List.of("rebalance", "--dry-run", "--backends", "second,nowhere"), auth));
            assertThat(unknownBackend.exit()).isEqualTo(1);
            assertThat(unknownBackend.err()).contains("400", "Backend nowhere could not be found");

            Run noService = run(work, null, List.of("pools", "--url", "http://127.0.0.1:1", "--token-file",
                    tokenFile.toString()));
            assertThat(noService.exit()).isEqualTo(2);
            assertThat(noService.err()).contains("cannot reach the service at http://127.0.0.1:1").doesNotContain("Exception");
            Run badUrl = run(work, null, List.of("pools", "--url", "ftp://x", "--token-file", tokenFile.toString()));
            assertThat(badUrl.exit()).isEqualTo(2);
            assertThat(badUrl.err()).contains("is not a service URL");
            Run noToken = run(work, Map.of("MANILA_TOKEN", ""), List.of("pools", "--url", url));
            assertThat(noToken.exit()).isEqualTo(2);
            assertThat(noToken.err()).contains("no token");
            Run both = run(work, null, concat(List.of("rebalance", "--dry-run", "--apply"), auth));
            assertThat(both.exit()).isEqualTo(2);
            Run refused = run(work, null, concat(List.of("drain", "nowhere", "--dry-run"), auth));
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("404", "Backend nowhere could not be found");
        } finally {
            service.close();
        }
    }

    /** With tokens: a member's token is refused as not an admin's, an unknown one as refused; both exit 3. */
    @Test
    void aTenantsOrAnUnknownTokenIsRefusedWithAClearMessage() throws Exception {
        Path work = Files.createTempDirectory("manila-admin-tokens");
        Path config = TwoBackendConfig.write(work);
        Run created = run(work, null, List.of("token-create", "--project", "tenant1", "--role", "member", config.toString()));
        assertThat(created.exit()).as(created.err()).isZero();
        String[] lines = created.out().strip().split("\n");
        String member = lines[lines.length - 1].trim();
        ServiceProcess service = new ServiceProcess(work, config, List.of("-Ddw.auth.mode=token"));
        try {
            service.start();
            String url = "http://127.0.0.1:" + service.port();
            Run tenant = run(work, Map.of("MANILA_TOKEN", member), List.of("pools", "--url", url));
            assertThat(tenant.exit()).isEqualTo(3);
            assertThat(tenant.err()).contains("the token is not an admin's (403)").doesNotContain("Exception");
            Run unknown = run(work, Map.of("MANILA_TOKEN", "mj-not-a-token"), List.of("rebalance", "--dry-run", "--url", url));
            assertThat(unknown.exit()).isEqualTo(3);
            assertThat(unknown.err()).contains("the service refused the token (401)");
        } finally {
            service.close();
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static Run run(Path work, Map<String, String> env, List<String> command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                ServiceProcess.JAR.toString()));
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(work.toFile())
                .redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile());
        builder.environment().remove("MANILA_TOKEN");
        if (env != null) {
            builder.environment().putAll(env);
        }
        Process process = builder.start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("command " + command + " ends").isTrue();
        return new Run(process.exitValue(), Files.readString(work.resolve("out.txt")), Files.readString(work.resolve("err.txt")));
    }
}
