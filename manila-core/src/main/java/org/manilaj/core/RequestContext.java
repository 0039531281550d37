package org.manilaj.core;

import java.util.Objects;

/**
 * Who is calling: every service method that reads or writes tenant data takes one.
 *
 * @param tokenId the stored token the caller presented (for the audit log), or null (noauth, the service itself)
 */
public record RequestContext(String userId, String projectId, boolean admin, String tokenId) {
    public RequestContext {
        Objects.requireNonNull(projectId, "projectId");
    }

    public RequestContext(String userId, String projectId, boolean admin) {
        this(userId, projectId, admin, null);
    }
}
