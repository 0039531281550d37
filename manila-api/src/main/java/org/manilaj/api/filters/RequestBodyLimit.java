package org.manilaj.api.filters;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.manilaj.core.ErrorCategory;
import org.manilaj.core.ManilaException;

/**
 * Refuses a request body larger than {@code max_request_body_bytes} with a 413: at once when its declared length is
 * larger, else as soon as whatever reads it (only a resource that takes a body, after authentication) reads one byte
 * past the limit. Nothing is buffered here: a client cannot make the service hold bodies it never asked for.
 */
@PreMatching
@Priority(50)
public final class RequestBodyLimit implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String BODY = RequestBodyLimit.class.getName() + ".body";
    private final long maxBytes;

    public RequestBodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > maxBytes) {
            throw tooLarge();
        }
        // not hasEntity(): on a chunked body it waits for the first byte, before authentication, so a client that
        // sent its headers and nothing more held a request thread until the idle timeout (then a 500)
        Bounded body = new Bounded(request.getEntityStream());
        request.setEntityStream(body);
        request.setProperty(BODY, body);
    }

    /**
     * A body the service did not read to its end (a refusal before the resource, say a 401) may still be on its way:
     * the connection then closes after the answer, and says so, so that a client does not send its next request on a
     * connection about to close (Jetty closes it when the rest of the body has not arrived yet).
     */
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(BODY) instanceof Bounded body)) {
            return;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        boolean unread = length != null && length.matches("\\d{1,18}") ? body.read < Long.parseLong(length)
                : request.getHeaderString("Transfer-Encoding") != null && !body.ended;
        if (unread) {
            response.getHeaders().putSingle("Connection", "close");
        }
    }

    private ManilaException tooLarge() {
        return new ManilaException(ErrorCategory.OVER_LIMIT, "Request entity too large: the body may hold at most "
                + maxBytes + " bytes.");
    }

    /** Counts what is read; past the limit, the read fails with the 413. A body cut short is a 400, not an I/O error. */
    private final class Bounded extends FilterInputStream {
        private long read;
        private volatile boolean ended;

        Bounded(InputStream body) {
            super(body);
        }

        @Override
        public int read() throws IOException {
            int b = guarded(() -> super.read());
            if (b >= 0) {
                count(1);
            } else {
                ended = true;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = guarded(() -> super.read(buffer, offset, length));
            if (n > 0) {
                count(n);
            } else if (n < 0) {
                ended = true;
            }
            return n;
        }

        private void count(long n) {
            read += n;
            if (read > maxBytes) {
                throw tooLarge();
            }
        }
    }

    private interface Read {
        int run() throws IOException;
    }

    private static int guarded(Read read) {
        try {
            return read.run();
        } catch (IOException e) {
            throw ManilaException.badRequest("Malformed request body: it ended before its declared length.");
        }
    }
}
