package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar on its embedded default (H2 file database, local backend) under concurrent creates
 * and deletes, killed with SIGKILL at random moments and restarted on the same {@code ./var}: every
 * answered create and delete must survive, nothing may stay in a transitional status, and the database,
 * the directories on disk and the pool's books must agree.
 */
class KillNineSystemIT {
    private static final int KILLS = 10;
    private static final int CLIENTS = 4;
    private static final Set<String> TRANSITIONAL = Set.of("creating", "deleting", "extending", "shrinking");

    /** Kept after the run (under target/) so that a failure can be read from the service's log and files. */
    private final Path work = Path.of("target/kill-nine-" + System.currentTimeMillis()).toAbsolutePath();

    private final Set<String> answeredCreates = ConcurrentHashMap.newKeySet();
    private final Set<String> answeredDeletes = ConcurrentHashMap.newKeySet();
    /** Deletes sent, answered or not: one cut off by the kill may or may not have been recorded. */
    private final Set<String> sentDeletes = ConcurrentHashMap.newKeySet();
    private final Random random = new Random();

    @Test
    void noAnsweredChangeIsLostAcrossKillNine() throws Exception {
        Files.createDirectories(work);
        ServiceProcess service = new ServiceProcess(work, List.of("-Ddw.quotas.shares=100000", "-Ddw.quotas.gigabytes=100000"));
        service.start();
        new ManilaClient(service.port()).ensureDefaultType();
        for (int kill = 0; kill < KILLS; kill++) {
            runLoadThenKill(service, 300 + random.nextInt(2200));
            service.start();
        }
        try (service) {
            ManilaClient http = new ManilaClient(service.port());
            List<Map<String, Object>> shares = awaitSettled(http);
            Map<String, Map<String, Object>> byId = shares.stream()
                    .collect(Collectors.toMap(share -> (String) share.get("id"), share -> share));

            assertThat(answeredCreates).as("creates answered 200").hasSizeGreaterThan(20);
            assertThat(answeredDeletes).as("deletes answered 202").isNotEmpty();
            Set<String> mustExist = answeredCreates.stream().filter(id -> !sentDeletes.contains(id))
                    .collect(Collectors.toSet());
            assertThat(byId.keySet()).as("answered creates that were not deleted").containsAll(mustExist);
            assertThat(byId.keySet()).as("answered deletes").doesNotContainAnyElementsOf(answeredDeletes);
            assertThat(shares).as("shares in a transitional status")
                    .noneMatch(share -> TRANSITIONAL.contains((String) share.get("status")));
            assertThat(shares).as("shares in error").noneMatch(share -> "error".equals(share.get("status")));

            Set<String> directories;
            try (Stream<Path> listing = Files.list(work.resolve("var/shares"))) {
                directories = listing.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
            }
            assertThat(directories).as("directories on the backend").isEqualTo(byId.keySet());
            http.assertAuditClean();

            Map<String, Integer> heldByPool = new HashMap<>();
            shares.forEach(share -> heldByPool.merge((String) share.get("host"), (Integer) share.get("size"), Integer::sum));
            List<Map<String, Object>> pools = http.get("/v2/scheduler-stats/pools/detail").list("pools");
            for (Map<String, Object> pool : pools) {
                @SuppressWarnings("unchecked")
                Map<String, Object> capabilities = (Map<String, Object>) pool.get("capabilities");
                assertThat(((Number) capabilities.get("allocated_capacity_gb")).intValue()).as("allocated on " + pool.get("name"))
                        .isEqualTo(heldByPool.getOrDefault((String) pool.get("name"), 0));
            }
        }
    }

    /** Creates and deletes from several clients, then SIGKILLs the service while they are busy. */
    private void runLoadThenKill(ServiceProcess service, long killAfterMillis) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int client = 0; client < CLIENTS; client++) {
            clients.submit(() -> load(new ManilaClient(service.port()), running));
        }
        Thread.sleep(killAfterMillis);
        service.kill();
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }

    private void load(ManilaClient http, AtomicBoolean running) {
        List<String> mine = new ArrayList<>();
        Random dice = new Random();
        while (running.get()) {
            try {
                if (mine.isEmpty() || dice.nextInt(10) < 6) {
                    ManilaClient.Reply reply = http.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1}}");
                    if (reply.status() == 200) {
                        String id = (String) reply.object("share").get("id");
                        answeredCreates.add(id);
                        mine.add(id);
                    }
                } else {
                    String id = mine.get(dice.nextInt(mine.size()));
                    sentDeletes.add(id);
                    ManilaClient.Reply reply = http.delete("/v2/shares/" + id);
                    if (reply.status() == 202) {
                        answeredDeletes.add(id);
                        mine.remove(id);
                    }
                }
            } catch (RuntimeException killed) {
                return; // the service is gone: this client's run is over
            }
        }
    }

    private static List<Map<String, Object>> awaitSettled(ManilaClient http) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<Map<String, Object>> shares;
        do {
            shares = http.get("/v2/shares/detail?all_tenants=1&limit=100000").list("shares");
            if (shares.stream().noneMatch(share -> TRANSITIONAL.contains((String) share.get("status")))) {
                return shares;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return shares;
    }
}
