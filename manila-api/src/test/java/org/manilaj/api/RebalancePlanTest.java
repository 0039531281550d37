package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin extension's plans over the live state of four local backends: one pool filled while the others were
 * disabled, then a rebalance plan that brings every pool within the band and a drain plan that empties it; both
 * dry runs (kept as proposed), then the rebalance's proposal applied by its id: carried out through migrations, every share on the pool the plan chose
 * with its data, the pools' books equal to the shares they hold. A plan limited to some backends moves shares only
 * between them. A proposal is applied once, not while another plan runs, not once it is an hour old. Bad options
 * are 400s, an unknown backend to drain or plan to apply a 404.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RebalancePlanTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-rebalance");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = FourLocalBackends.app(VAR);

    @Test
    void aFullPoolIsLeveledOnPaperThenForReal() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        for (String backend : List.of("alpha", "gamma", "loner")) { // beta (zone-b) takes the shares
            assertThat(client.put("/v2/services/disable", "{\"host\": \"manila@" + backend + "\", \"binary\":"
                    + " \"manila-share\"}").status()).isEqualTo(200);
        }
        for (int i = 0; i < 9; i++) {
            String id = client.createShare(10);
            assertThat(client.awaitStatus(id, "available")).containsEntry("host", "manila@beta#pool0");
            java.nio.file.Files.writeString(VAR.resolve("beta").resolve(id).resolve("data.txt"), "data of " + id);
        }
        for (String backend : List.of("alpha", "gamma", "loner")) {
            client.put("/v2/services/enable", "{\"host\": \"manila@" + backend + "\", \"binary\": \"manila-share\"}");
        }
        List<Map<String, Object>> pools = client.get("/v2/admin/pools/utilization").list("pools");
        assertThat(pools).filteredOn(pool -> "manila@beta#pool0".equals(pool.get("name"))).singleElement()
                .satisfies(pool -> assertThat(pool).containsEntry("utilization", 0.045).containsEntry("usable", true));
        // thin pools at 20x: 90 GiB of 100 is 4.5 % of what beta may hold, within 10 points of any mean: a tighter band

        Map<String, Object> plan = client.post("/v2/admin/rebalance-plans", "{\"rebalance_plan\": {\"dry_run\": true,"
                + " \"band\": 1}}").object("rebalance_plan");
        assertThat(plan).containsEntry("dry_run", true).containsEntry("complete", true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> moves = (List<Map<String, Object>>) plan.get("moves");
        assertThat(moves).isNotEmpty().allSatisfy(move -> assertThat(move).containsEntry("from", "manila@beta#pool0")
                .extracting(m -> m.get("to")).isIn("manila@gamma#pool0", "manila@loner#pool0"));
        assertThat(((Number) plan.get("spread_after")).doubleValue())
                .isLessThan(((Number) plan.get("spread_before")).doubleValue());

        Map<String, Object> scoped = client.post("/v2/admin/rebalance-plans", "{\"rebalance_plan\": {\"dry_run\": true,"
                + " \"band\": 1, \"backends\": [\"beta\", \"gamma\"]}}").object("rebalance_plan");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> scopedMoves = (List<Map<String, Object>>) scoped.get("moves");
        assertThat(scopedMoves).as("only between the backends named").isNotEmpty()
                .allSatisfy(move -> assertThat(move).containsEntry("to", "manila@gamma#pool0"));
        @SuppressWarnings("unchecked")
        Map<String, Object> scopedPools = (Map<String, Object>) scoped.get("utilization");
        assertThat(scopedPools).containsOnlyKeys("manila@beta#pool0", "manila@gamma#pool0");

        Map<String, Object> drain = client.post("/v2/admin/backends/beta/drain", "{\"drain\": {\"dry_run\": true}}")
                .object("rebalance_plan");
        assertThat(drain).containsEntry("complete", true).containsEntry("gib_moved", 90);
        assertThat(client.get("/v2/admin/pools/utilization").list("pools")).filteredOn(pool -> "manila@beta#pool0"
                .equals(pool.get("name"))).singleElement().satisfies(pool -> assertThat(pool).containsEntry("utilization", 0.045)); // nothing carried out

        assertThat(plan).containsEntry("status", "proposed");
        String planId = (String) plan.get("id");
        ManilaClient.Reply applied = client.post("/v2/admin/rebalance-plans/" + planId + "/apply", "");
        assertThat(applied.status()).as("the dry run's plan, applied as shown").isEqualTo(202);
        assertThat(client.post("/v2/admin/rebalance-plans", "{\"rebalance_plan\": {\"dry_run\": false}}").status())
                .as("one plan at a time").isEqualTo(409);
        assertThat(client.post("/v2/admin/rebalance-plans/" + scoped.get("id") + "/apply", "").status())
                .as("one plan at a time, proposed or not").isEqualTo(409);
        Map<String, Object> done = client.awaitPlan(planId, "done");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> carried = (List<Map<String, Object>>) done.get("moves");
        assertThat(carried).extracting(move -> move.get("share_id") + " -> " + move.get("to"))
                .containsExactlyElementsOf(moves.stream().map(move -> move.get("share_id") + " -> " + move.get("to")).toList());
        assertThat(carried).allSatisfy(move -> assertThat(move).containsEntry("status", "done"));
        assertThat(client.post("/v2/admin/rebalance-plans/" + planId + "/apply", "").status()).as("applied once")
                .isEqualTo(409);
        database().useHandle(handle -> handle.execute("UPDATE rebalance_plans SET created_at = ? WHERE id = ?",
                Instant.now().minus(Duration.ofHours(2)), scoped.get("id")));
        ManilaClient.Reply stale = client.post("/v2/admin/rebalance-plans/" + scoped.get("id") + "/apply", "");
        assertThat(stale.status()).as("a proposal the pools have moved on from").isEqualTo(409);
        assertThat(stale.raw().body()).contains("more than 60 minutes ago");
        for (Map<String, Object> move : carried) {
            String shareId = (String) move.get("share_id");
            Map<String, Object> share = client.get("/v2/shares/" + shareId).object("share");
            assertThat(share).containsEntry("status", "available").containsEntry("host", move.get("to"));
            String backend = ((String) move.get("to")).replaceAll(".*@(.*)#.*", "$1");
            assertThat(VAR.resolve(backend).resolve(shareId).resolve("data.txt")).hasContent("data of " + shareId);
        }
        for (Map<String, Object> pool : client.get("/v2/admin/pools/utilization").list("pools")) {
            long held = client.get("/v2/shares/detail").list("shares").stream()
                    .filter(share -> pool.get("name").equals(share.get("host")))
                    .mapToLong(share -> ((Number) share.get("size")).longValue()).sum();
            assertThat(((Number) pool.get("provisioned_capacity_gb")).longValue()).as("books of " + pool.get("name"))
                    .isEqualTo(held);
        }
        assertThat(client.get("/v2/admin/rebalance-plans").list("rebalance_plans"))
                .anySatisfy(listed -> assertThat(listed).containsEntry("id", planId).containsEntry("status", "done"));
    }

    /** The service's own database (embedded H2: one JVM), to age a proposal. */
    private static Jdbi database() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + VAR.resolve("db/manila"));
        dataSource.setUser("manila");
        return Jdbi.create(dataSource);
    }

    @Test
    void badPlansAreRefused() {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        assertThat(client.post("/v2/admin/rebalance-plans", "{\"rebalance_plan\": {}}").status()).isEqualTo(400);
        assertThat(client.post("/v2/admin/rebalance-plans", "{}").status()).isEqualTo(400);
        assertThat(client.post("/v2/admin/rebalance-plans", "{\"rebalance_plan\": {\"dry_run\": true, \"band\": 101}}")
                .status()).isEqualTo(400);
        assertThat(client.post("/v2/admin/rebalance-plans", "{\"rebalance_plan\": {\"dry_run\": true, \"max_moves\":"
                + " \"many\"}}").status()).isEqualTo(400);
        for (String backends : List.of("[\"nowhere\"]", "[]", "[1]", "\"beta\"", "[\"beta,gamma\"]")) {
            assertThat(client.post("/v2/admin/rebalance-plans", "{\"rebalance_plan\": {\"dry_run\": true, \"backends\": "
                    + backends + "}}").status()).as(backends).isEqualTo(400);
        }
        assertThat(client.post("/v2/admin/rebalance-plans/" + java.util.UUID.randomUUID() + "/apply", "").status())
                .isEqualTo(404);
        assertThat(client.post("/v2/admin/backends/nowhere/drain", "{\"drain\": {\"dry_run\": true}}").status())
                .isEqualTo(404);
    }
}
