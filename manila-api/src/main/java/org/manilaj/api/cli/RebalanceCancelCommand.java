package org.manilaj.api.cli;

import java.util.Map;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code rebalance-cancel PLAN [--cancel-in-flight]}: no new moves; those under way finish, or are cancelled. */
public final class RebalanceCancelCommand extends AdminCommand {

    public RebalanceCancelCommand() {
        super("rebalance-cancel", "Cancels an applied rebalance plan (admin; talks to a running service)");
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("plan").help("the plan's id");
        subparser.addArgument("--cancel-in-flight").action(Arguments.storeTrue())
                .help("cancel the moves under way too (default: let them finish)");
    }

    /** The {@code plan} argument, checked before it goes into a URL. */
    static String planId(Namespace namespace) {
        String id = namespace.getString("plan");
        if (!id.matches("[0-9a-f-]{36}")) {
            throw new Failure("plan " + id + " is not a plan id", 2);
        }
        return id;
    }

    @Override
    void run(AdminClient client, Namespace namespace, boolean json) throws Exception {
        String id = planId(namespace);
        String inFlight = Boolean.TRUE.equals(namespace.getBoolean("cancel_in_flight")) ? "cancel" : "finish";
        var plan = client.post("/admin/rebalance-plans/" + id + "/cancel", Map.of("cancel", Map.of("in_flight", inFlight)))
                .path("rebalance_plan");
        if (json) {
            printJson(plan);
        } else {
            System.out.printf("plan %s %s (moves under way: %s)%n", id, plan.path("status").asText(), inFlight);
        }
    }
}
