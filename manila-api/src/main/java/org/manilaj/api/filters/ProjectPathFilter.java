package org.manilaj.api.filters;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.manilaj.core.ProjectIds;

/**
 * Serves Manila's two URL forms with one set of resources: {@code /v2/{project_id}/shares} is
 * rewritten to {@code /v2/shares} and the project id kept for the auth filter to check. A project id
 * is hex with optional dashes, so it never collides with a collection name such as {@code shares}.
 */
@PreMatching
@Priority(100)
public final class ProjectPathFilter implements ContainerRequestFilter {
    private static final Pattern PROJECT_PATH = Pattern.compile("^/?v2/(" + ProjectIds.REGEX + ")(/.*)?$");

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath(false);
        Matcher matcher = PROJECT_PATH.matcher(path);
        if (matcher.matches()) {
            request.setProperty(RequestAttributes.URL_PROJECT, matcher.group(1));
            String rest = matcher.group(2) == null ? "" : matcher.group(2);
            URI base = request.getUriInfo().getBaseUri();
            URI rewritten = UriBuilder.fromUri(request.getUriInfo().getRequestUri())
                    .replacePath(base.getRawPath() + "v2" + rest)
                    .build();
            request.setRequestUri(base, rewritten);
        }
    }
}
