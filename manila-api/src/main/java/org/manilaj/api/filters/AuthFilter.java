package org.manilaj.api.filters;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.manilaj.core.ErrorCategory;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.auth.TokenService;

/**
 * Names the caller of every request for a resource not marked {@link NoCaller} from {@code X-Auth-Token} (401 without a valid one),
 * and refuses a project id in the URL that is not the caller's. Two ways to read the token:
 * {@link #tokens} (issued by {@code token-create}) or {@link #noAuth} (Manila's development convention).
 */
@Priority(1000)
public final class AuthFilter implements ContainerRequestFilter {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-@]{1,64}");

    private final Function<String, Optional<RequestContext>> authenticator;

    private AuthFilter(Function<String, Optional<RequestContext>> authenticator) {
        this.authenticator = authenticator;
    }

    public static AuthFilter tokens(TokenService tokens) {
        return new AuthFilter(tokens::authenticate);
    }

    /** {@code X-Auth-Token: user:project} (or just {@code project}) names the caller, who is an admin. */
    public static AuthFilter noAuth() {
        return new AuthFilter(token -> {
            int colon = token.indexOf(':');
            String user = colon < 0 ? token.trim() : token.substring(0, colon).trim();
            String project = colon < 0 ? user : token.substring(colon + 1).trim();
            if (project.isEmpty()) {
                project = user;
            }
            if (!NAME.matcher(user).matches() || !NAME.matcher(project).matches()) {
                return Optional.empty();
            }
            return Optional.of(new RequestContext(user, project, true));
        });
    }

    /** Bound to every resource method but those marked {@link NoCaller} by {@link CallerBinding}. */
    @Override
    public void filter(ContainerRequestContext request) {
        String token = request.getHeaderString("X-Auth-Token");
        if (token == null || token.isBlank()) {
            throw new ManilaException(ErrorCategory.UNAUTHORIZED, "Authentication required: send a token in X-Auth-Token.");
        }
        RequestContext context = authenticator.apply(token)
                .orElseThrow(() -> new ManilaException(ErrorCategory.UNAUTHORIZED, "The token is unknown, expired or revoked."));
        Object urlProject = request.getProperty(RequestAttributes.URL_PROJECT);
        if (urlProject != null && !urlProject.equals(context.projectId())) {
            throw ManilaException.badRequest("Malformed request url");
        }
        request.setProperty(RequestAttributes.CONTEXT, context);
    }
}
