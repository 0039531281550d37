package org.manilaj.api.cli;

import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.manilaj.core.auth.TokenService;

/** {@code token-revoke --id ID config.yml}: the token stops working at once. */
public final class TokenRevokeCommand extends TokenCommand {

    public TokenRevokeCommand() {
        super("token-revoke", "Revokes an API token by its id");
    }

    @Override
    public void configure(Subparser subparser) {
        super.configure(subparser);
        subparser.addArgument("--id").required(true).help("the token's id, from token-list");
    }

    @Override
    void run(TokenService tokens, Namespace namespace) {
        String id = namespace.getString("id");
        if (!tokens.revoke(id)) {
            throw new IllegalArgumentException("no live token with id " + id);
        }
        System.out.println("revoked token " + id);
    }
}
