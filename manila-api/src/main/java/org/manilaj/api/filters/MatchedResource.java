package org.manilaj.api.filters;

import jakarta.ws.rs.container.ResourceInfo;

/** What the filters decide from the resource method Jersey matched, never from a spelling of the path. */
final class MatchedResource {
    private MatchedResource() {
    }

    /** Whether the matched method (or its class) is one of the version documents; false when none matched. */
    static boolean needsNoCaller(ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return false;
        }
        return resource.getResourceMethod().isAnnotationPresent(NoCaller.class)
                || resource.getResourceClass().isAnnotationPresent(NoCaller.class);
    }
}
