package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients sending every kind of share operation at random (creates, extends, shrinks, access grants and revocations,
 * deletes, migrations and their completion, replica creates, promotions and deletes) to the packaged jar on two local
 * backends ({@link TwoBackendConfig}) until stopped. Refusals are fine; a 5xx or an unexpected status is recorded.
 * It counts, per share and operation, the requests sent and the ones accepted, so that a test can bound how often
 * each operation's effect happened.
 */
final class MixedLoad {
    static final Set<String> TRANSITIONAL = Set.of("creating", "deleting", "extending", "shrinking", "migrating",
            "replication_change");
    private static final Set<Integer> EXPECTED = Set.of(200, 202, 400, 403, 404, 409, 413);

    /** The operations whose requests are counted. */
    enum Kind { CREATE, EXTEND, SHRINK, DELETE, MIGRATION_START }

    /**
     * Requests for one share and one kind: those answered 200 or 202, and those left without an answer (the node was
     * killed: the request may or may not have been carried out).
     */
    record Count(AtomicInteger accepted, AtomicInteger unanswered) {
        Count() {
            this(new AtomicInteger(), new AtomicInteger());
        }

        /** The most times the operation can have been carried out. */
        int atMost() {
            return accepted.get() + unanswered.get();
        }
    }

    private final Set<String> shares = ConcurrentHashMap.newKeySet();
    private final List<String> serverErrors = new CopyOnWriteArrayList<>();
    private final Map<String, Map<Kind, Count>> counts = new ConcurrentHashMap<>();

    /** The {@code default} and {@code replicated} share types the load asks for. */
    static void createTypes(ManilaClient setup) {
        setup.ensureDefaultType();
        assertThat(setup.post("/v2/types", "{\"share_type\": {\"name\": \"replicated\", \"extra_specs\":"
                + " {\"driver_handles_share_servers\": false, \"replication_type\": \"readable\"}}}").status()).isEqualTo(200);
    }

    List<String> serverErrors() {
        return List.copyOf(serverErrors);
    }

    Set<String> shares() {
        return Set.copyOf(shares);
    }

    /** Requests of {@code kind} for {@code shareId} (zero when none). */
    Count count(String shareId, Kind kind) {
        return counts.getOrDefault(shareId, Map.of()).getOrDefault(kind, new Count());
    }

    /** Runs one client per entry of {@code clients} until {@code running} is cleared; returns their executor. */
    ExecutorService start(List<ManilaClient> clients, AtomicBoolean running) {
        ExecutorService executor = Executors.newFixedThreadPool(clients.size());
        for (ManilaClient client : clients) {
            executor.submit(() -> run(client, running));
        }
        return executor;
    }

    static void stop(ExecutorService clients) throws InterruptedException {
        clients.shutdown();
        assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }

    /** Random operations on random shares until stopped. */
    private void run(ManilaClient http, AtomicBoolean running) {
        Random random = new Random();
        while (running.get()) {
            try {
                String id = shares.isEmpty() ? null : shares.stream().skip(random.nextInt(shares.size())).findFirst().orElse(null);
                int op = id == null ? 0 : random.nextInt(12);
                ManilaClient.Reply reply = switch (op) {
                    case 0, 1 -> create(http, random.nextBoolean() ? "default" : "replicated");
                    case 2 -> counted(id, Kind.EXTEND, () -> action(http, id, "{\"extend\": {\"new_size\": " + (size(http, id) + 1) + "}}"));
                    case 3 -> counted(id, Kind.SHRINK, () -> action(http, id, "{\"shrink\": {\"new_size\": "
                            + Math.max(1, size(http, id) - 1) + "}}"));
                    case 4 -> action(http, id, "{\"allow_access\": {\"access_type\": \"ip\", \"access_to\": \"10.0."
                            + random.nextInt(256) + "." + random.nextInt(256) + "\", \"access_level\": \"rw\"}}");
                    case 5 -> denyOne(http, id);
                    case 6 -> counted(id, Kind.DELETE, () -> http.delete("/v2/shares/" + id));
                    case 7 -> counted(id, Kind.MIGRATION_START, () -> action(http, id, "{\"migration_start\": {\"host\": \""
                            + otherPool(http, id) + "\", \"writable\": false, \"preserve_metadata\": false, \"nondisruptive\":"
                            + " false, \"preserve_snapshots\": false}}"));
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
            String id = (String) reply.object("share").get("id");
            counts.computeIfAbsent(id, key -> new ConcurrentHashMap<>()).computeIfAbsent(Kind.CREATE, key -> new Count())
                    .accepted().incrementAndGet();
            shares.add(id);
        }
        return reply;
    }

    /** Counts the request as accepted on 200 or 202, as unanswered when a kill cut its answer off. */
    private ManilaClient.Reply counted(String id, Kind kind, java.util.function.Supplier<ManilaClient.Reply> request) {
        Count count = counts.computeIfAbsent(id, key -> new ConcurrentHashMap<>()).computeIfAbsent(kind, key -> new Count());
        ManilaClient.Reply reply;
        try {
            reply = request.get();
        } catch (RuntimeException down) {
            count.unanswered().incrementAndGet();
            throw down;
        }
        if (reply.status() == 200 || reply.status() == 202) {
            count.accepted().incrementAndGet();
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
     * (a first phase done waits for {@code migration_complete}, as Manila's does); returns the shares then.
     */
    static List<Map<String, Object>> awaitSettled(ManilaClient client, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
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
        assertThat(busy).as("still busy " + patience.toSeconds() + " s after the load: " + all).isFalse();
        return all;
    }
}
