package org.manilaj.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code drain BACKEND [--dry-run]}: a plan that empties the backend onto the others, shown; without
 * {@code --dry-run} the backend is disabled and the plan carried out and followed.
 */
public final class DrainCommand extends RebalanceCommand {

    public DrainCommand() {
        super("drain", "Empties a backend onto the others through migrations (admin; talks to a running service)");
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("backend").help("the backend to empty, as named in the configuration");
        subparser.addArgument("--dry-run").action(Arguments.storeTrue()).help("show the plan, move nothing");
        subparser.addArgument("--max-moves").type(Integer.class).help("at most this many moves");
        subparser.addArgument("--max-gib").type(Long.class).help("at most this many GiB moved");
    }

    @Override
    void run(AdminClient client, Namespace namespace, boolean json) throws Exception {
        String backend = namespace.getString("backend");
        if (!backend.matches("[A-Za-z0-9_.-]{1,255}")) {
            throw new Failure("backend " + backend + ": letters, digits, '.', '_' and '-' only", 2);
        }
        boolean apply = !Boolean.TRUE.equals(namespace.getBoolean("dry_run"));
        JsonNode plan = client.post("/admin/backends/" + backend + "/drain", Map.of("drain", body(namespace, !apply)))
                .path("rebalance_plan");
        show(client, plan, apply, json);
    }
}
