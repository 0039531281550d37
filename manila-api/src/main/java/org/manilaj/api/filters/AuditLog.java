package org.manilaj.api.filters;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.Set;
import org.manilaj.core.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a line to the {@code org.manilaj.audit} logger for every change an admin asks for (type and quota changes,
 * reset status, force delete, migration, promotion, rebalancing, service disable...: any write request by an admin)
 * and for every write refused as forbidden: who (token id, user, project), what (method, path, the action a
 * {@code .../action} body names, as {@link ActionNames} noted it) and the answer's status.
 */
public final class AuditLog implements ContainerResponseFilter {
    private static final Logger AUDIT = LoggerFactory.getLogger("org.manilaj.audit");
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!WRITES.contains(request.getMethod())) {
            return;
        }
        RequestContext caller = RequestAttributes.callerOrNull(request);
        boolean forbidden = response.getStatus() == 403;
        if (!forbidden && (caller == null || !caller.admin())) {
            return;
        }
        String path = request.getUriInfo().getRequestUri().getRawPath(); // as sent: encoded, so one line per request
        AUDIT.info("{} {} action={} status={} token={} user={} project={}", request.getMethod(), path,
                path.endsWith("/action") && request.getProperty(ActionNames.ACTION) instanceof String action ? action : "-",
                response.getStatus(),
                caller == null || caller.tokenId() == null ? "-" : caller.tokenId(),
                caller == null ? "-" : caller.userId(), caller == null ? "-" : caller.projectId());
    }
}
