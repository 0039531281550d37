package org.manilaj.core;

import java.util.Objects;

/** Who is calling: every service method that reads or writes tenant data takes one. */
public record RequestContext(String userId, String projectId, boolean admin) {
    public RequestContext {
        Objects.requireNonNull(projectId, "projectId");
    }
}
