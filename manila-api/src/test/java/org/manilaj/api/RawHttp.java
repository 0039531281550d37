package org.manilaj.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Requests written byte for byte on a socket, for what an HTTP client library refuses to send: invalid
 * URI encodings, unknown methods, oversized headers.
 */
final class RawHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, String head, String body) {
        Map<String, Object> json() {
            try {
                return JSON.readValue(body, new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + head + "\n\n" + body, e);
            }
        }
    }

    private RawHttp() {
    }

    static Reply send(int port, String requestLineAndHeaders, byte[] body) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            String head = requestLineAndHeaders + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (body.length > 0 ? "Content-Length: " + body.length + "\r\n" : "") + "\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = response.indexOf("\r\n\r\n");
            String responseHead = split < 0 ? response : response.substring(0, split);
            String responseBody = split < 0 ? "" : response.substring(split + 4);
            return new Reply(Integer.parseInt(responseHead.split(" ")[1]), responseHead, responseBody);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
