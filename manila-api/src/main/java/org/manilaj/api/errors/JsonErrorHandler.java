package org.manilaj.api.errors;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty raises before Jersey sees the request (a URI it will not parse, an ambiguous path,
 * headers or a URI too long, an unknown method) answered in Manila's JSON body instead of Jetty's HTML
 * page. Installed on the server and on the application's servlet context.
 */
public final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() >= 400 ? response.getStatus() : 500;
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(status)), callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status));
    }

    /** A fixed text per status: Jetty's own reasons can quote the request back. */
    static byte[] body(int status) {
        String message = switch (status) {
            case 400 -> "Malformed request: the URI, a header or the body could not be parsed.";
            case 404 -> "The resource could not be found.";
            case 405 -> "The method is not allowed for the requested URL.";
            case 413 -> "Request entity too large.";
            case 414 -> "Request URI too long.";
            case 431 -> "Request header fields too large.";
            case 501 -> "The method is not implemented.";
            default -> status < 500 ? "Bad request." : "The server has either erred or is incapable of performing"
                    + " the requested operation.";
        };
        return ("{\"" + ManilaErrorMapper.faultName(status) + "\": {\"code\": " + status + ", \"message\": \"" + message
                + "\"}}").getBytes(StandardCharsets.UTF_8);
    }
}
