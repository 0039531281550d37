package org.manilaj.api.cli;

import net.sourceforge.argparse4j.inf.Namespace;
import org.manilaj.core.auth.ApiToken;
import org.manilaj.core.auth.TokenService;

/** {@code token-list config.yml}: every token's id, project, roles, expiry and revocation (never the token). */
public final class TokenListCommand extends TokenCommand {

    public TokenListCommand() {
        super("token-list", "Lists API tokens (ids, projects, roles; never the tokens themselves)");
    }

    @Override
    void run(TokenService tokens, Namespace namespace) {
        System.out.printf("%-36s  %-34s  %-16s  %-7s  %-24s  %s%n", "ID", "PROJECT", "USER", "ROLES", "EXPIRES", "REVOKED");
        for (ApiToken token : tokens.list()) {
            System.out.printf("%-36s  %-34s  %-16s  %-7s  %-24s  %s%n", token.id(), token.projectId(), token.userId(),
                    token.roles(), token.expiresAt() == null ? "-" : token.expiresAt(),
                    token.revokedAt() == null ? "-" : token.revokedAt());
        }
    }
}
