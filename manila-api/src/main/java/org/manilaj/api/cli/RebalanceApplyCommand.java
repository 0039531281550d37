package org.manilaj.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code rebalance-apply PLAN}: carries out the plan a dry run ({@code rebalance --dry-run} or {@code drain --dry-run})
 * showed, as shown, and follows it like {@code rebalance --apply}.
 */
public final class RebalanceApplyCommand extends AdminCommand {

    public RebalanceApplyCommand() {
        super("rebalance-apply", "Carries out the plan a dry run proposed (admin; talks to a running service)");
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("plan").help("the id the dry run gave");
    }

    @Override
    void run(AdminClient client, Namespace namespace, boolean json) throws Exception {
        String id = RebalanceCancelCommand.planId(namespace);
        JsonNode plan = client.post("/admin/rebalance-plans/" + id + "/apply", Map.of()).path("rebalance_plan");
        if (!json) {
            System.out.printf("plan %s (%s) applied: %d move(s)%n", id, plan.path("kind").asText(), plan.path("moves").size());
        }
        RebalanceCommand.follow(client, id, json);
    }
}
