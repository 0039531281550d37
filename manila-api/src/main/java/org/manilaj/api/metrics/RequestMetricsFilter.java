package org.manilaj.api.metrics;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * Times every API request and counts it by method, the route template it matched (never the path itself: ids
 * would make a series per share) and status; a request that matched no route counts as {@code unmatched}.
 */
@Provider
@PreMatching
public final class RequestMetricsFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String STARTED = RequestMetricsFilter.class.getName() + ".started";
    private static final java.util.Set<String> METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
            "OPTIONS");
    private final ServiceMetrics metrics;

    public RequestMetricsFilter(ServiceMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object started = request.getProperty(STARTED);
        if (started instanceof Long nanos) {
            String method = METHODS.contains(request.getMethod()) ? request.getMethod() : "OTHER"; // any word is a method to Jetty
            metrics.request(method, route(request), response.getStatus(), (System.nanoTime() - nanos) / 1e9);
        }
    }

    private static String route(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo uri) || uri.getMatchedTemplates().isEmpty()) {
            return "unmatched";
        }
        List<UriTemplate> templates = new ArrayList<>(uri.getMatchedTemplates());
        Collections.reverse(templates);
        StringBuilder route = new StringBuilder();
        for (UriTemplate template : templates) {
            String part = template.getTemplate();
            if (!part.startsWith("/") && !route.toString().endsWith("/")) {
                route.append('/');
            }
            route.append(part);
        }
        return route.toString().replaceAll("/+", "/");
    }
}
