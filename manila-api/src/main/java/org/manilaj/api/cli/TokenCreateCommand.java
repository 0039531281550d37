package org.manilaj.api.cli;

import java.time.Duration;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.manilaj.core.auth.TokenService;

/**
 * {@code token-create --project P --role admin|member [--user U] [--expires-in-days N] config.yml}:
 * prints the new token alone on the last line. It is shown this once; only its hash is stored.
 */
public final class TokenCreateCommand extends TokenCommand {

    public TokenCreateCommand() {
        super("token-create", "Creates an API token for a project and prints it (once)");
    }

    @Override
    public void configure(Subparser subparser) {
        super.configure(subparser);
        subparser.addArgument("--project").required(true).help("the project the token acts in");
        subparser.addArgument("--role").required(true).choices("admin", "member").help("admin or member");
        subparser.addArgument("--user").help("user id recorded on what the token creates (default: the project)");
        subparser.addArgument("--expires-in-days").type(Integer.class).help("lifetime in days (default: no expiry)");
    }

    @Override
    void run(TokenService tokens, Namespace namespace) {
        Integer days = namespace.getInt("expires_in_days");
        TokenService.Issued issued = tokens.create(namespace.getString("project"), namespace.getString("user"),
                List.of(namespace.getString("role")), days == null ? null : Duration.ofDays(days));
        System.out.println("token " + issued.stored().id() + " for project " + issued.stored().projectId() + " with role "
                + issued.stored().roles() + (issued.stored().expiresAt() == null ? ", no expiry"
                : ", expires " + issued.stored().expiresAt()) + ". Keep it secret; it is not shown again:");
        System.out.println(issued.token());
    }
}
