package org.manilaj.api.filters;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.regex.Pattern;
import org.manilaj.core.ErrorCategory;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;

/**
 * Manila's {@code noauth} convention, for local development: {@code X-Auth-Token: user:project}
 * (or just {@code project}) names the caller, who is an admin. A project id in the URL must match it.
 */
@Priority(1000)
public final class NoAuthFilter implements ContainerRequestFilter {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-@]{1,64}");

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getProperty(RequestAttributes.VERSION) == null) {
            return; // not a /v2 resource: version documents need no caller
        }
        String path = request.getUriInfo().getPath(false);
        if (path.equals("v2") || path.equals("v2/") || path.equals("/v2") || path.equals("/v2/")) {
            return;
        }
        String token = request.getHeaderString("X-Auth-Token");
        if (token == null || token.isBlank()) {
            throw new ManilaException(ErrorCategory.UNAUTHORIZED,
                    "Authentication required: send X-Auth-Token: <user>:<project>.");
        }
        int colon = token.indexOf(':');
        String user = colon < 0 ? token.trim() : token.substring(0, colon).trim();
        String project = colon < 0 ? user : token.substring(colon + 1).trim();
        if (project.isEmpty()) {
            project = user;
        }
        if (!NAME.matcher(user).matches() || !NAME.matcher(project).matches()) {
            throw new ManilaException(ErrorCategory.UNAUTHORIZED, "The token is not of the form <user>:<project>.");
        }
        Object urlProject = request.getProperty(RequestAttributes.URL_PROJECT);
        if (urlProject != null && !urlProject.equals(project)) {
            throw ManilaException.badRequest("Malformed request url");
        }
        request.setProperty(RequestAttributes.CONTEXT, new RequestContext(user, project, true));
    }
}
