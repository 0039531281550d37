package org.manilaj.api.filters;

import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
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
public final class RequestBodyLimit implements ContainerRequestFilter {
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
        request.setEntityStream(new Bounded(request.getEntityStream()));
    }

    private ManilaException tooLarge() {
        return new ManilaException(ErrorCategory.OVER_LIMIT, "Request entity too large: the body may hold at most "
                + maxBytes + " bytes.");
    }

    /** Counts what is read; past the limit, the read fails with the 413. A body cut short is a 400, not an I/O error. */
    private final class Bounded extends FilterInputStream {
        private long read;

        Bounded(InputStream body) {
            super(body);
        }

        @Override
        public int read() throws IOException {
            int b = guarded(() -> super.read());
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = guarded(() -> super.read(buffer, offset, length));
            if (n > 0) {
                count(n);
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
