package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar on two local backends under a mixed load from three clients (creates, extends, shrinks, access
 * grants and revocations, deletes, migrations and their completion, replica creates, promotions and deletes), killed
 * with SIGKILL at random moments twenty times and restarted each time: no answer is ever a 5xx; afterwards nothing is
 * left in a transitional status, and the audit finds the database and both backends in agreement (no orphan, nothing
 * missing, pools' and quotas' books straight).
 */
class MixedLoadKillNineSystemIT {
    private static final int KILLS = 20;
    private static final int CLIENTS = 3;
    private static final Set<String> TRANSITIONAL = Set.of("creating", "deleting", "extending", "shrinking", "migrating",
            "replication_change");
    private static final Set<Integer> EXPECTED = Set.of(200, 202, 400, 403, 404, 409, 413);

    private final Set<String> shares = ConcurrentHashMap.newKeySet();
    private final List<String> serverErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void everyOperationKilledAtRandomMomentsLeavesStraightBooks() throws Exception {
        Path work = Files.createTempDirectory("manila-mixed-kill");
        ServiceProcess service = new ServiceProcess(work, TwoBackendConfig.write(work), List.of("-Ddw.replication.interval=1s"));
        Random random = new Random();
        try {
            service.start();
            ManilaClient setup = new ManilaClient(service.port());
            setup.ensureDefaultType();
            assertThat(setup.post("/v2/types", "{\"share_type\": {\"name\": \"replicated\", \"extra_specs\":"
                    + " {\"driver_handles_share_servers\": false, \"replication_type\": \"readable\"}}}").status()).isEqualTo(200);
            for (int kill = 0; kill < KILLS; kill++) {
                runLoadThenKill(service, 300 + random.nextInt(1200));
                service.start();
            }
            ManilaClient client = new ManilaClient(service.port());
            List<Map<String, Object>> settled = awaitSettled(client);
            assertThat(serverErrors).as("5xx answers under load").isEmpty();
            assertThat(settled).as("shares the load made").isNotEmpty();
            client.assertAuditClean();
        } finally {
            service.close();
        }
    }

    private void runLoadThenKill(ServiceProcess service, long millis) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            clients.submit(() -> load(new ManilaClient(service.port()), running));
        }
        Thread.sleep(millis);
        service.kill();
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }

    /** Random operations on random shares until stopped; refusals are fine, a 5xx is recorded. */
    private void load(ManilaClient http, AtomicBoolean running) {
        Random random = new Random();
        while (running.get()) {
            try {
                String id = shares.isEmpty() ? null : shares.stream().skip(random.nextInt(shares.size())).findFirst().orElse(null);
                int op = id == null ? 0 : random.nextInt(12);
                ManilaClient.Reply reply = switch (op) {
                    case 0, 1 -> create(http, random.nextBoolean() ? "default" : "replicated");
                    case 2 -> action(http, id, "{\"extend\": {\"new_size\": " + (size(http, id) + 1) + "}}");
                    case 3 -> action(http, id, "{\"shrink\": {\"new_size\": " + Math.max(1, size(http, id) - 1) + "}}");
                    case 4 -> action(http, id, "{\"allow_access\": {\"access_type\": \"ip\", \"access_to\": \"10.0."
                            + random.nextInt(256) + "." + random.nextInt(256) + "\", \"access_level\": \"rw\"}}");
                    case 5 -> denyOne(http, id);
                    case 6 -> http.delete("/v2/shares/" + id);
                    case 7 -> action(http, id, "{\"migration_start\": {\"host\": \"" + otherPool(http, id) + "\", \"writable\":"
                            + " false, \"preserve_metadata\": false, \"nondisruptive\": false, \"preserve_snapshots\": false}}");
                    case 8 -> action(http, id, "{\"migration_complete\": null}");
                    case 9 -> http.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"" + id + "\"}}");
                    case 10 -> replicaAction(http, id, random.nextBoolean() ? "promote" : "delete");
                    default -> http.get("/v2/shares/" + id);
                };
                if (reply.status() >= 500) {
                    serverErrors.add(op + " " + id + ": " + reply.status() + " " + reply.raw().body());
                } else if (!EXPECTED.contains(reply.status())) {
                    serverErrors.add(op + " " + id + ": unexpected " + reply.status() + " " + reply.raw().body());
                }
            } catch (RuntimeException down) {
                // the service is being killed or restarted
            }
        }
    }

    private ManilaClient.Reply create(ManilaClient http, String type) {
        ManilaClient.Reply reply = http.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"share_type\": \""
                + type + "\"}}");
        if (reply.status() == 200) {
            shares.add((String) reply.object("share").get("id"));
        }
        return reply;
    }

    private static ManilaClient.Reply action(ManilaClient http, String id, String body) {
        return http.post("/v2/shares/" + id + "/action", body);
    }

    private static int size(ManilaClient http, String id) {
        Map<String, Object> share = http.get("/v2/shares/" + id).object("share");
        return share == null ? 1 : ((Number) share.get("size")).intValue();
    }

    private static String otherPool(ManilaClient http, String id) {
        Map<String, Object> share = http.get("/v2/shares/" + id).object("share");
        return share != null && TwoBackendConfig.FIRST.equals(share.get("host")) ? TwoBackendConfig.SECOND : TwoBackendConfig.FIRST;
    }

    private static ManilaClient.Reply denyOne(ManilaClient http, String id) {
        List<Map<String, Object>> rules = http.get("/v2/share-access-rules?share_id=" + id).list("access_list");
        if (rules == null || rules.isEmpty()) {
            return http.get("/v2/shares/" + id);
        }
        return action(http, id, "{\"deny_access\": {\"access_id\": \"" + rules.get(0).get("id") + "\"}}");
    }

    private static ManilaClient.Reply replicaAction(ManilaClient http, String id, String what) {
        List<Map<String, Object>> replicas = http.get("/v2/share-replicas/detail?share_id=" + id).list("share_replicas");
        Map<String, Object> secondary = replicas == null ? null : replicas.stream()
                .filter(replica -> !"active".equals(replica.get("replica_state"))).findFirst().orElse(null);
        if (secondary == null) {
            return http.get("/v2/shares/" + id);
        }
        return what.equals("promote") ? http.post("/v2/share-replicas/" + secondary.get("id") + "/action", "{\"promote\": null}")
                : http.delete("/v2/share-replicas/" + secondary.get("id"));
    }

    /**
     * Waits until no share and no replica is in a transitional status, completing the migrations that wait for it
     * (a first phase done waits for {@code migration_complete}, as Manila's does).
     */
    private static List<Map<String, Object>> awaitSettled(ManilaClient client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        List<Map<String, Object>> all;
        boolean busy;
        do {
            all = client.get("/v2/shares/detail").list("shares");
            busy = false;
            for (Map<String, Object> share : all) {
                if ("migration_driver_phase1_done".equals(share.get("task_state"))) {
                    action(client, (String) share.get("id"), "{\"migration_complete\": null}");
                }
                busy |= TRANSITIONAL.contains((String) share.get("status"));
            }
            busy |= client.get("/v2/share-replicas/detail").list("share_replicas").stream()
                    .anyMatch(replica -> TRANSITIONAL.contains((String) replica.get("status")));
            if (busy) {
                Thread.sleep(500);
            }
        } while (busy && System.nanoTime() < deadline);
        assertThat(busy).as("still busy 180 s after the last restart: " + all).isFalse();
        return all;
    }
}
