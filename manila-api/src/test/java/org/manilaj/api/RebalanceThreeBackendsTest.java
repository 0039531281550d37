package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The issue's whole-service scenario, as {@code scripts/rebalance-demo.sh} runs it, on three local backends of
 * 100 GiB (plain layout, thin, 2x overcommit): nine 20 GiB shares with random data placed on storage1 while the
 * others were disabled (storage1 at 90 %, the others empty), then a dry-run plan with the default band, applied by
 * its id, carried out to the end. Every pool's utilisation ends within the mean +/- the band, every file's SHA-256
 * is unchanged on the share's new backend, each pool's provisioned capacity equals the sizes of the shares it holds,
 * and each backend's storage root holds exactly the directories of its shares (nothing left behind at a source).
 * The data is small (half a MiB and a few KiB per share) so that it runs in seconds.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RebalanceThreeBackendsTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-rebalance-three");
    private static final List<String> BACKENDS = List.of("storage1", "storage2", "storage3");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-rebalance.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:file:" + VAR.resolve("db/manila")),
            ConfigOverride.config("backends[0].storage_root", VAR.resolve("storage1").toString()),
            ConfigOverride.config("backends[1].storage_root", VAR.resolve("storage2").toString()),
            ConfigOverride.config("backends[2].storage_root", VAR.resolve("storage3").toString()));
    private static final int SHARES = 9;
    private static final int SIZE_GIB = 20;
    /** The default band, in utilisation (a fraction; the band is given in points). */
    private static final double BAND = 0.10;

    @Test
    void oneFullPoolAndTwoEmptyOnesEndWithinTheBandWithEveryFileIntact() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        for (String backend : List.of("storage2", "storage3")) {
            assertThat(client.put("/v2/services/disable", "{\"host\": \"manila@" + backend + "\", \"binary\":"
                    + " \"manila-share\"}").status()).isEqualTo(200);
        }
        Random random = new Random(13);
        Map<String, Map<String, String>> before = new TreeMap<>();
        for (int i = 0; i < SHARES; i++) {
            String id = client.createShare(SIZE_GIB);
            assertThat(client.awaitStatus(id, "available")).containsEntry("host", "manila@storage1#pool0");
            Path directory = VAR.resolve("storage1").resolve(id);
            write(directory.resolve("data.bin"), random, 512 << 10);
            write(directory.resolve("nested/deeper/small.bin"), random, 4096 + i);
            Files.createDirectories(directory.resolve("empty"));
            before.put(id, MigrationChecks.checksums(directory));
        }
        for (String backend : List.of("storage2", "storage3")) {
            assertThat(client.put("/v2/services/enable", "{\"host\": \"manila@" + backend + "\", \"binary\":"
                    + " \"manila-share\"}").status()).isEqualTo(200);
        }
        assertThat(utilization(client)).as("storage1 at 90 %, the others empty")
                .containsEntry("manila@storage1#pool0", 0.9).containsEntry("manila@storage2#pool0", 0.0)
                .containsEntry("manila@storage3#pool0", 0.0);

        ManilaClient.Reply proposed = client.post("/v2/admin/rebalance-plans", "{\"rebalance_plan\": {\"dry_run\": true}}");
        assertThat(proposed.status()).as(proposed.raw().body()).isEqualTo(200);
        Map<String, Object> plan = proposed.object("rebalance_plan");
        assertThat(plan).containsEntry("dry_run", true).containsEntry("complete", true).containsEntry("status", "proposed");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> moves = (List<Map<String, Object>>) plan.get("moves");
        assertThat(moves).isNotEmpty().allSatisfy(move -> assertThat(move).containsEntry("from", "manila@storage1#pool0"));
        assertThat(utilization(client)).as("a dry run moves nothing").containsEntry("manila@storage1#pool0", 0.9);

        String planId = (String) plan.get("id");
        ManilaClient.Reply applied = client.post("/v2/admin/rebalance-plans/" + planId + "/apply", "");
        assertThat(applied.status()).as(applied.raw().body()).isEqualTo(202);
        Map<String, Object> done = client.awaitPlan(planId, "done");
        assertThat(done).containsEntry("band", 10.0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> carried = (List<Map<String, Object>>) done.get("moves");
        assertThat(carried).as("the plan as shown, every move done").hasSameSizeAs(moves)
                .allSatisfy(move -> assertThat(move).containsEntry("status", "done"));

        Map<String, Double> after = utilization(client);
        assertThat(after).hasSize(3);
        double mean = after.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(mean).isCloseTo(0.3, within(1e-9));
        assertThat(after).allSatisfy((pool, utilization) -> assertThat(utilization).as(pool)
                .isBetween(mean - BAND - 1e-9, mean + BAND + 1e-9));

        Map<String, List<String>> held = new TreeMap<>();
        Map<String, Long> heldGib = new TreeMap<>();
        for (Map<String, Object> share : client.get("/v2/shares/detail").list("shares")) {
            String host = (String) share.get("host");
            assertThat(share).as("share " + share.get("id")).containsEntry("status", "available");
            held.computeIfAbsent(host, key -> new ArrayList<>()).add((String) share.get("id"));
            heldGib.merge(host, ((Number) share.get("size")).longValue(), Long::sum);
        }
        assertThat(held.values().stream().mapToInt(List::size).sum()).isEqualTo(SHARES);
        for (Map<String, Object> pool : client.get("/v2/admin/pools/utilization").list("pools")) {
            String name = (String) pool.get("name");
            assertThat(((Number) pool.get("provisioned_capacity_gb")).longValue()).as("books of " + name)
                    .isEqualTo(heldGib.getOrDefault(name, 0L));
            assertThat(MigrationChecks.allocated(client, name)).as("scheduler stats of " + name)
                    .isEqualTo(heldGib.getOrDefault(name, 0L));
        }
        for (String backend : BACKENDS) {
            List<String> ids = held.getOrDefault("manila@" + backend + "#pool0", List.of());
            assertThat(shareDirectories(VAR.resolve(backend))).as("directories under " + backend)
                    .containsExactlyInAnyOrderElementsOf(ids);
            for (String id : ids) {
                assertThat(MigrationChecks.checksums(VAR.resolve(backend).resolve(id))).as("files of " + id + " on " + backend)
                        .isEqualTo(before.get(id));
                assertThat(VAR.resolve(backend).resolve(id).resolve("empty")).isEmptyDirectory();
            }
        }
    }

    private static void write(Path file, Random random, int bytes) throws IOException {
        byte[] data = new byte[bytes];
        random.nextBytes(data);
        Files.createDirectories(file.getParent());
        Files.write(file, data);
    }

    /** Every pool's utilisation, by name. */
    private static Map<String, Double> utilization(ManilaClient client) {
        Map<String, Double> pools = new TreeMap<>();
        for (Map<String, Object> pool : client.get("/v2/admin/pools/utilization").list("pools")) {
            pools.put((String) pool.get("name"), ((Number) pool.get("utilization")).doubleValue());
        }
        return pools;
    }

    /** The share directories under a backend's storage root (hidden entries, such as a layout's own, left out). */
    static TreeSet<String> shareDirectories(Path root) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        if (!Files.isDirectory(root)) {
            return names;
        }
        try (Stream<Path> entries = Files.list(root)) {
            entries.map(entry -> entry.getFileName().toString()).filter(name -> !name.startsWith(".")).forEach(names::add);
        }
        return names;
    }
}
