package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The packaged jar replicating a share between two backends ({@link Sites}: two local directories, or the
 * lab's btrfs hosts), killed with SIGKILL at random moments of replica creates, syncs, promotions and
 * deletes, and restarted: afterwards nothing is left in a transitional status, exactly one replica is
 * active, the books (quotas, pools' allocations) match the replicas, a secondary holds the active replica's
 * files, and once the replicas and the share are deleted nothing of them is left on the sites.
 */
final class ReplicationKillDrill {
    private static final Set<String> TRANSITIONAL = Set.of("creating", "deleting", "replication_change");

    /** Where the drill's two backends keep their shares. */
    interface Sites {
        /** The jar's configuration: a database in a file (it must outlive the kills), two backends of one domain. */
        Path config(Path work) throws Exception;

        /** The two pools, as shares' {@code host} names them. */
        List<String> pools();

        /** Writes the share's first files on {@code pool}. */
        void fill(Path work, String pool, String shareId) throws Exception;

        /** Writes file {@code name} of fresh random bytes into the share on {@code pool}, as a client would. */
        void write(Path work, String pool, String shareId, String name) throws Exception;

        /** The share's files on {@code pool} with their checksums, in a comparable form. */
        Object checksums(Path work, String pool, String shareId) throws Exception;

        /** Fails unless nothing of the share is left on either backend (after the share's delete). */
        void assertNothingLeft(Path work, String shareId) throws Exception;

        /** Whether other tests' services keep shares on these backends too (the lab's hosts do). */
        default boolean shared() {
            return false;
        }
    }

    private ReplicationKillDrill() {
    }

    static void run(Sites sites, int kills) throws Exception {
        Path work = Files.createTempDirectory("manila-replication-kill");
        ServiceProcess service = new ServiceProcess(work, sites.config(work), List.of("-Ddw.replication.interval=1s"));
        Random random = new Random();
        try {
            service.start();
            ManilaClient client = new ManilaClient(service.port());
            client.ensureDefaultType();
            assertThat(client.post("/v2/types", "{\"share_type\": {\"name\": \"replicated\", \"extra_specs\":"
                    + " {\"driver_handles_share_servers\": false, \"replication_type\": \"readable\"}}}").status())
                    .isEqualTo(200);
            ManilaClient.Reply created = client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1,"
                    + " \"share_type\": \"replicated\"}}");
            String shareId = (String) created.object("share").get("id");
            Map<String, Object> share = client.awaitStatus(shareId, "available");
            sites.fill(work, (String) share.get("host"), shareId);

            for (int kill = 0; kill < kills; kill++) {
                requestSomething(client, shareId);
                Thread.sleep(random.nextInt(600));
                service.kill();
                service.start();
                client = new ManilaClient(service.port());
                // new data on the active after every kill: a copy that sent what an earlier attempt left would miss it
                String active = (String) client.get("/v2/shares/" + shareId).object("share").get("host");
                sites.write(work, active, shareId, "after-kill-" + kill + ".bin");
                awaitSettled(client, shareId);
            }
            List<Map<String, Object>> replicas = awaitSettled(client, shareId);
            assertThat(replicas).filteredOn(replica -> "active".equals(replica.get("replica_state"))).hasSize(1);
            assertThat(client.get("/v2/shares/" + shareId).object("share")).containsEntry("status", "available");
            checkBooks(client, sites.pools(), replicas);
            client.assertAuditClean(concerning(sites, shareId));

            // a secondary, synced after the last restart, holds what the active replica holds
            if (replicas.size() == 1) {
                assertThat(client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"" + shareId + "\"}}")
                        .status()).isEqualTo(202);
                replicas = awaitSettled(client, shareId);
            }
            Map<String, Object> secondary = replicas.stream().filter(r -> !"active".equals(r.get("replica_state")))
                    .findFirst().orElseThrow();
            if (!"available".equals(secondary.get("status"))) {
                throw new AssertionError("secondary not available after the kills: " + secondary);
            }
            String secondaryId = (String) secondary.get("id");
            // last_sync_at is when a sync began: only one begun after this request surely holds the last write
            Instant resyncRequested = Instant.now();
            assertThat(client.post("/v2/share-replicas/" + secondaryId + "/action", "{\"resync\": null}").status())
                    .isIn(202, 409);
            awaitInSync(client, secondaryId, resyncRequested);
            String activePool = (String) client.get("/v2/shares/" + shareId).object("share").get("host");
            assertThat(sites.checksums(work, (String) secondary.get("host"), shareId))
                    .isEqualTo(sites.checksums(work, activePool, shareId));

            assertThat(client.deleteWhenIdle("/v2/share-replicas/" + secondaryId).status()).isEqualTo(202);
            awaitSettled(client, shareId);
            assertThat(client.deleteWhenIdle("/v2/shares/" + shareId).status()).isEqualTo(202);
            client.awaitStatus(shareId, "gone");
            sites.assertNothingLeft(work, shareId);
            client.assertAuditClean(concerning(sites, shareId));
        } finally {
            service.close();
        }
    }

    /** On shared hosts, the findings about this drill's share and this service's own books; elsewhere all of them. */
    private static java.util.function.Predicate<Map<String, Object>> concerning(Sites sites, String shareId) {
        return finding -> !sites.shared() || String.valueOf(finding.get("subject")).startsWith(shareId)
                || Set.of("pool_books", "quota_usage", "missing_share").contains(finding.get("kind"));
    }

    /** Whatever the replicas allow now: a replica when there is none, else a promotion, a resync or a delete. */
    private static void requestSomething(ManilaClient client, String shareId) {
        List<Map<String, Object>> replicas = client.get("/v2/share-replicas/detail?share_id=" + shareId)
                .list("share_replicas");
        Map<String, Object> secondary = replicas.stream().filter(r -> !"active".equals(r.get("replica_state")))
                .findFirst().orElse(null);
        ManilaClient.Reply reply;
        if (secondary == null) {
            reply = client.post("/v2/share-replicas", "{\"share_replica\": {\"share_id\": \"" + shareId + "\"}}");
        } else {
            String id = (String) secondary.get("id");
            reply = switch (new Random().nextInt(3)) {
                case 0 -> client.post("/v2/share-replicas/" + id + "/action", "{\"promote\": null}");
                case 1 -> client.post("/v2/share-replicas/" + id + "/action", "{\"resync\": null}");
                default -> client.delete("/v2/share-replicas/" + id);
            };
        }
        assertThat(reply.status()).as(reply.raw().body()).isIn(202, 400, 409);
    }

    /** Waits until no replica and not the share is in a transitional status; returns the replicas. */
    private static List<Map<String, Object>> awaitSettled(ManilaClient client, String shareId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<Map<String, Object>> replicas;
        Map<String, Object> share;
        do {
            replicas = client.get("/v2/share-replicas/detail?share_id=" + shareId).list("share_replicas");
            share = client.get("/v2/shares/" + shareId).object("share");
            boolean busy = TRANSITIONAL.contains((String) share.get("status"))
                    || replicas.stream().anyMatch(replica -> TRANSITIONAL.contains((String) replica.get("status")));
            if (!busy) {
                return replicas;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("still busy after a restart: share " + share + ", replicas " + replicas);
    }

    /** Waits until the replica is in sync by a sync that began after {@code requested}. */
    private static void awaitInSync(ManilaClient client, String replicaId, Instant requested) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Object> replica;
        do {
            replica = client.get("/v2/share-replicas/" + replicaId).object("share_replica");
            Object lastSync = replica.get("last_sync_at");
            if ("in_sync".equals(replica.get("replica_state")) && lastSync != null
                    && LocalDateTime.parse((String) lastSync).toInstant(ZoneOffset.UTC).isAfter(requested)) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("replica " + replicaId + " did not sync again: " + replica);
    }

    /** Each replica holds 1 GiB on its pool and counts once in the replica quotas. */
    private static void checkBooks(ManilaClient client, List<String> pools, List<Map<String, Object>> replicas) {
        for (String pool : pools) {
            long held = replicas.stream().filter(replica -> pool.equals(replica.get("host"))).count();
            assertThat(MigrationChecks.allocated(client, pool)).as("allocated on " + pool).isEqualTo(held);
        }
        Map<String, Object> quotas = client.get("/v2/quota-sets/" + ManilaClient.PROJECT + "/detail").object("quota_set");
        @SuppressWarnings("unchecked")
        Map<String, Object> used = (Map<String, Object>) quotas.get("share_replicas");
        assertThat(((Number) used.get("in_use")).longValue()).as("share_replicas in use").isEqualTo(replicas.size());
    }
}
