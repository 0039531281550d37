package org.manilaj.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code rebalance-status [PLAN]}: the plans (proposed by dry runs, or applied), or one plan's moves and their states. */
public final class RebalanceStatusCommand extends AdminCommand {

    public RebalanceStatusCommand() {
        super("rebalance-status", "Shows applied rebalance plans, or one plan's moves (admin; talks to a running service)");
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("plan").nargs("?").help("a plan's id (default: list the plans)");
    }

    @Override
    void run(AdminClient client, Namespace namespace, boolean json) throws Exception {
        if (namespace.getString("plan") == null) {
            JsonNode plans = client.get("/admin/rebalance-plans");
            if (json) {
                printJson(plans);
                return;
            }
            TextTable table = new TextTable("PLAN", "KIND", "STATUS", "CREATED");
            plans.path("rebalance_plans").forEach(plan -> table.row(plan.path("id").asText(), plan.path("kind").asText(),
                    plan.path("status").asText(), plan.path("created_at").asText()));
            System.out.print(table);
            return;
        }
        String id = RebalanceCancelCommand.planId(namespace);
        JsonNode plan = client.get("/admin/rebalance-plans/" + id).path("rebalance_plan");
        if (json) {
            printJson(plan);
            return;
        }
        int replans = plan.path("replans").asInt();
        System.out.printf("plan %s (%s) %s%s%n", id, plan.path("kind").asText(), plan.path("status").asText(),
                replans == 0 ? "" : ", planned again " + replans + " time(s) from the state reached");
        TextTable table = new TextTable("ROUND", "SHARE", "GiB", "FROM", "TO", "STATUS", "ERROR");
        plan.path("moves").forEach(move -> table.row(move.path("round").asInt(), move.path("share_id").asText(),
                move.path("size_gb").asInt(), move.path("from").asText(), move.path("to").asText(), move.path("status").asText(),
                move.path("error").isNull() ? "" : move.path("error").asText()));
        System.out.print(table);
    }
}
