package org.manilaj.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * Base of the admin commands that talk to a running service over REST ({@code --url}, {@code --token-file} or
 * {@code MANILA_TOKEN}, {@code --json}). A failure prints one line saying what went wrong and exits non-zero:
 * 1 for a refused request or a plan that did not reach its goal (and, from Dropwizard's parser, for an option
 * it does not know, with the usage), 2 for no service, no token or conflicting options, 3 for a token refused or
 * not an admin's.
 */
abstract class AdminCommand extends Command {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What went wrong, for the user, and the exit code. */
    static final class Failure extends RuntimeException {
        final int exitCode;

        Failure(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    AdminCommand(String name, String description) {
        super(name, description);
    }

    @Override
    public final void configure(Subparser subparser) {
        subparser.addArgument("--url").setDefault("http://127.0.0.1:8786").help("the service (default %(default)s)");
        subparser.addArgument("--token-file").help("a file holding the admin token (else MANILA_TOKEN)");
        subparser.addArgument("--json").action(Arguments.storeTrue()).help("print JSON, for scripts");
        arguments(subparser);
    }

    /** The command's own arguments. */
    void arguments(Subparser subparser) {
    }

    @Override
    public final void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        AdminClient client = new AdminClient(namespace.getString("url"), AdminClient.token(namespace.getString("token_file")));
        run(client, namespace, Boolean.TRUE.equals(namespace.getBoolean("json")));
    }

    abstract void run(AdminClient client, Namespace namespace, boolean json) throws Exception;

    /** One line on standard error and the exit code: no stack trace for a user's mistake. */
    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof Failure failure) {
            System.err.println("error: " + failure.getMessage());
            System.err.flush();
            System.exit(failure.exitCode);
        }
        super.onError(cli, namespace, e);
    }

    static void printJson(JsonNode node) throws Exception {
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    /** A utilisation as a percentage and a bar of 20 characters (more than full shows as a full bar and '+'). */
    static String bar(double utilisation) {
        if (utilisation < 0) {
            return "unknown";
        }
        int filled = (int) Math.round(Math.min(1, utilisation) * 20);
        return String.format("%5.1f%% [%s%s]%s", utilisation * 100, "#".repeat(filled), ".".repeat(20 - filled),
                utilisation > 1 ? "+" : "");
    }
}
