package org.manilaj.api.filters;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * Negotiates Manila's microversion on every API request (the version documents aside): no header means 2.0, a malformed one
 * is a 400, one out of range a 406. Responses echo the version and vary on its header.
 */
@Priority(200)
public final class MicroversionFilter implements ContainerRequestFilter, ContainerResponseFilter {
    public static final String HEADER = "X-OpenStack-Manila-API-Version";

    /** Bound to every resource method but the version documents by {@link CallerBinding}. */
    @Override
    public void filter(ContainerRequestContext request) {
        String header = request.getHeaderString(HEADER);
        request.setProperty(RequestAttributes.VERSION_HEADER, header);
        request.setProperty(RequestAttributes.VERSION, ApiVersion.parse(header));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(RequestAttributes.VERSION) == null && request.getProperty(RequestAttributes.VERSION_HEADER) == null) {
            return;
        }
        Object version = request.getProperty(RequestAttributes.VERSION);
        Object echoed = version != null ? version.toString() : request.getProperty(RequestAttributes.VERSION_HEADER);
        response.getHeaders().putSingle(HEADER, echoed != null ? echoed : ApiVersion.MIN.toString());
        response.getHeaders().putSingle("Vary", HEADER);
    }
}
