package org.manilaj.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code audit [--fix]}: the database against every backend (orphaned data, exports and snapshots, shares whose data
 * is missing, pools' and quotas' books), each finding with what to do; exits 1 when anything is left, so that cron
 * can tell.
 */
public final class AuditCommand extends AdminCommand {

    public AuditCommand() {
        super("audit", "Compares the database with every backend; --fix removes proven orphans (admin; talks to a running service)");
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("--fix").action(Arguments.storeTrue())
                .help("remove data, exports and snapshots of ids no share has (never anything of a share that has a row)");
    }

    @Override
    void run(AdminClient client, Namespace namespace, boolean json) throws Exception {
        JsonNode audit = client.post("/admin/audit", Map.of("audit", Map.of("fix", Boolean.TRUE.equals(namespace.getBoolean("fix")))))
                .path("audit");
        if (json) {
            printJson(audit);
        } else {
            TextTable table = new TextTable("FINDING", "WHERE", "WHAT", "SEEN", "TO DO");
            for (JsonNode finding : audit.path("findings")) {
                table.row(finding.path("kind").asText(), finding.path("where").asText(), finding.path("subject").asText(),
                        finding.path("detail").asText(), (finding.path("fixed").asBoolean() ? "fixed: " : "") + finding.path("action").asText());
            }
            if (audit.path("findings").isEmpty()) {
                System.out.println("the books are straight: the database and every backend agree");
            } else {
                System.out.print(table);
                System.out.println(audit.path("remaining").asInt() + " finding(s) left, " + audit.path("fixed").asInt() + " fixed");
            }
            for (JsonNode note : audit.path("not_checked")) {
                System.out.println("not checked: " + note.asText());
            }
        }
        if (audit.path("remaining").asInt() > 0) {
            throw new Failure(audit.path("remaining").asInt() + " finding(s) need an operator", 1);
        }
    }
}
