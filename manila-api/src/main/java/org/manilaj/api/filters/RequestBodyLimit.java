package org.manilaj.api.filters;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.manilaj.core.ErrorCategory;
import org.manilaj.core.ManilaException;

/**
 * Refuses a request body larger than {@code max_request_body_bytes} with a 413 before anything parses it: at once when
 * its length is declared, else after reading at most one byte more than the limit. The body, read whole, is kept for
 * the resource (and for the audit log, which names the action a body asks for).
 */
@PreMatching
@Priority(50)
public final class RequestBodyLimit implements ContainerRequestFilter {
    private final long maxBytes;

    public RequestBodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > maxBytes) {
            throw tooLarge();
        }
        if (!request.hasEntity()) {
            return;
        }
        byte[] body;
        try (InputStream entity = request.getEntityStream()) {
            body = entity.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        }
        if (body.length > maxBytes) {
            throw tooLarge();
        }
        request.setProperty(RequestAttributes.BODY, body);
        request.setEntityStream(new ByteArrayInputStream(body));
    }

    private ManilaException tooLarge() {
        return new ManilaException(ErrorCategory.OVER_LIMIT, "Request entity too large: the body may hold at most "
                + maxBytes + " bytes.");
    }
}
