package org.manilaj.api.filters;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.manilaj.core.ErrorCategory;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;

/** Where the filters leave what they learned about a request, for resources to read. */
public final class RequestAttributes {
    static final String URL_PROJECT = "manila.urlProject";
    static final String VERSION_HEADER = "manila.versionHeader";
    static final String VERSION = "manila.version";
    static final String CONTEXT = "manila.context";

    private RequestAttributes() {
    }

    public static ApiVersion version(ContainerRequestContext request) {
        Object version = request.getProperty(VERSION);
        return version instanceof ApiVersion v ? v : ApiVersion.MIN;
    }

    /** The caller, or null before authentication (or when it failed). */
    public static RequestContext callerOrNull(ContainerRequestContext request) {
        return request.getProperty(CONTEXT) instanceof RequestContext context ? context : null;
    }

    /** The authenticated caller; a request that reached a resource without one is refused, never served. */
    public static RequestContext context(ContainerRequestContext request) {
        if (request.getProperty(CONTEXT) instanceof RequestContext context) {
            return context;
        }
        throw new ManilaException(ErrorCategory.UNAUTHORIZED, "Authentication required: send a token in X-Auth-Token.");
    }
}
