package org.manilaj.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code rebalance --dry-run | --apply [--band POINTS] [--max-moves N] [--max-gib N] [--backends A,B]}: the plan as a table (share,
 * size, from, to, the two pools' utilisation before and after, the spread before and after); {@code --apply}
 * carries it out and follows it (moves done, running and left, GiB moved, an estimate of the time left), and
 * exits non-zero when a move fails or a drain leaves shares on its backend. {@code drain BACKEND} does the same for a plan that empties a backend.
 */
public class RebalanceCommand extends AdminCommand {

    public RebalanceCommand() {
        super("rebalance", "Plans, or carries out, moves that level the pools (admin; talks to a running service)");
    }

    RebalanceCommand(String name, String description) {
        super(name, description);
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("--dry-run").action(Arguments.storeTrue()).help("show the plan, move nothing");
        subparser.addArgument("--apply").action(Arguments.storeTrue()).help("carry the plan out and follow it");
        subparser.addArgument("--band").type(Double.class).help("points around the mean utilisation (default 10)");
        subparser.addArgument("--max-moves").type(Integer.class).help("at most this many moves");
        subparser.addArgument("--max-gib").type(Long.class).help("at most this many GiB moved");
        subparser.addArgument("--backends").metavar("NAME,NAME").help("level only these backends' pools");
    }

    @Override
    void run(AdminClient client, Namespace namespace, boolean json) throws Exception {
        boolean apply = Boolean.TRUE.equals(namespace.getBoolean("apply"));
        if (apply == Boolean.TRUE.equals(namespace.getBoolean("dry_run"))) {
            throw new Failure("give exactly one of --dry-run and --apply", 2);
        }
        JsonNode plan = client.post("/admin/rebalance-plans", Map.of("rebalance_plan", body(namespace, !apply)))
                .path("rebalance_plan");
        show(client, plan, apply, json);
    }

    static ObjectNode body(Namespace namespace, boolean dryRun) {
        ObjectNode body = JSON.createObjectNode().put("dry_run", dryRun);
        if (namespace.get("band") != null) {
            body.put("band", namespace.getDouble("band"));
        }
        if (namespace.get("max_moves") != null) {
            body.put("max_moves", namespace.getInt("max_moves"));
        }
        if (namespace.get("max_gib") != null) {
            body.put("max_gib", namespace.getLong("max_gib"));
        }
        if (namespace.get("backends") != null) {
            ArrayNode backends = body.putArray("backends");
            for (String backend : namespace.getString("backends").split(",")) {
                backends.add(backend.trim());
            }
        }
        return body;
    }

    /** The plan, then (applied) its progress until it ends. */
    static void show(AdminClient client, JsonNode plan, boolean apply, boolean json) throws Exception {
        if (json && !apply) {
            printJson(plan);
            return;
        }
        if (!json) {
            printPlan(plan);
            if (!apply) {
                System.out.printf("plan %s proposed; carry it out as shown (within the hour) with: rebalance-apply %s%n",
                        plan.path("id").asText(), plan.path("id").asText());
            }
        }
        if (apply) {
            follow(client, plan.path("id").asText(), json);
        }
    }

    static void printPlan(JsonNode plan) {
        TextTable table = new TextTable("SHARE", "GiB", "FROM", "TO", "FROM BEFORE -> AFTER", "TO BEFORE -> AFTER");
        for (JsonNode move : plan.path("moves")) {
            table.row(move.path("share_id").asText(), move.path("size_gb").asInt(), move.path("from").asText(),
                    move.path("to").asText(), percent(move.path("from_utilization").path(0)) + " -> "
                            + percent(move.path("from_utilization").path(1)),
                    percent(move.path("to_utilization").path(0)) + " -> " + percent(move.path("to_utilization").path(1)));
        }
        System.out.print(table);
        System.out.printf("%d move(s), %d GiB; spread %s -> %s%s%n", plan.path("moves").size(), plan.path("gib_moved").asLong(),
                percent(plan.path("spread_before")), percent(plan.path("spread_after")),
                plan.path("complete").asBoolean() ? "" : " (the goal is not reached: see below)");
        for (JsonNode share : plan.path("unmovable")) {
            System.out.printf("stays: %s on %s: %s%n", share.path("share_id").asText(), share.path("pool").asText(),
                    share.path("reason").asText());
        }
    }

    /**
     * Polls the applied plan every second and prints its progress until it ends; non-zero exit if a move did not go
     * as planned or a drain's backend still holds shares.
     */
    static void follow(AdminClient client, String id, boolean json) throws Exception {
        long started = System.nanoTime();
        while (true) {
            JsonNode plan = client.get("/admin/rebalance-plans/" + id).path("rebalance_plan");
            JsonNode counts = plan.path("moves_by_status");
            JsonNode gib = plan.path("gib_by_status");
            long total = 0;
            for (JsonNode count : counts) {
                total += count.asLong();
            }
            long done = counts.path("done").asLong();
            String status = plan.path("status").asText();
            if (!json) {
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                String eta = done == 0 || done == total ? "-" : (elapsed.toSeconds() * (total - done) / done) + " s";
                int replans = plan.path("replans").asInt();
                System.out.printf("plan %s %s: %d done, %d running, %d left, %d failed; %d GiB moved; ETA %s%s%n", id, status,
                        done, counts.path("running").asLong(), counts.path("pending").asLong(), counts.path("failed").asLong(),
                        gib.path("done").asLong(), eta, replans == 0 ? "" : " (planned again " + replans + " time(s))");
            }
            if (!status.equals("running") && !status.equals("cancelling")) {
                if (json) {
                    printJson(plan);
                }
                long failed = counts.path("failed").asLong();
                long skipped = counts.path("skipped").asLong();
                long cancelled = counts.path("cancelled").asLong();
                if (failed > 0 || skipped > 0 || cancelled > 0 || !status.equals("done")) {
                    throw new Failure("plan " + id + " ended " + status + " with " + failed + " failed, " + skipped
                            + " skipped and " + cancelled + " cancelled move(s): rebalance-status " + id + " says why", 1);
                }
                if (plan.path("shares_left").asInt() > 0) { // a drain's backend is not safe to decommission yet
                    throw new Failure(plan.path("shares_left").asInt() + " share(s) stay on " + plan.path("backend").asText()
                            + " after plan " + id + ": the dry run lists why", 1);
                }
                return;
            }
            Thread.sleep(1000);
        }
    }

    private static String percent(JsonNode fraction) {
        return fraction.isMissingNode() || fraction.asDouble() < 0 ? "?" : String.format("%.1f%%", fraction.asDouble() * 100);
    }
}
