package org.manilaj.api.filters;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.manilaj.core.RequestContext;

/** Where the filters leave what they learned about a request, for resources to read. */
public final class RequestAttributes {
    static final String URL_PROJECT = "manila.urlProject";
    static final String VERSION_HEADER = "manila.versionHeader";
    static final String VERSION = "manila.version";
    static final String CONTEXT = "manila.context";

    private RequestAttributes() {
    }

    /** Whether the request is for the v2 API ({@code /v2} itself included). */
    static boolean isV2(ContainerRequestContext request) {
        String path = stripSlashes(request.getUriInfo().getPath(false));
        return path.equals("v2") || path.startsWith("v2/");
    }

    /** Whether the request is for the v2 version document, which needs no caller. */
    static boolean isV2VersionDocument(ContainerRequestContext request) {
        return stripSlashes(request.getUriInfo().getPath(false)).equals("v2");
    }

    private static String stripSlashes(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    public static ApiVersion version(ContainerRequestContext request) {
        Object version = request.getProperty(VERSION);
        return version instanceof ApiVersion v ? v : ApiVersion.MIN;
    }

    public static RequestContext context(ContainerRequestContext request) {
        return (RequestContext) request.getProperty(CONTEXT);
    }
}
