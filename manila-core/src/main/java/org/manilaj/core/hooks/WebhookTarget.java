package org.manilaj.core.hooks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

/** POSTs the event (or a pre-hook's request) as JSON, signed; delivered on any 2xx answer. */
final class WebhookTarget implements HookTarget {
    private final HookSpec spec;
    private final HttpClient client;

    WebhookTarget(HookSpec spec) {
        this.spec = spec;
        this.client = HttpClient.newBuilder().connectTimeout(spec.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void deliver(String eventId, String eventType, String payload) {
        HttpResponse<InputStream> response = send(eventId, eventType, payload);
        close(response); // what a receiver answers is never read
        if (response.statusCode() / 100 != 2) {
            throw new Refused("HTTP " + response.statusCode());
        }
    }

    /** 2xx allows; 403 refuses, with the JSON answer's {@code reason}; anything else is no answer. */
    @Override
    public Answer ask(String requestId, String request, String payload) {
        HttpResponse<InputStream> response;
        try {
            response = send(requestId, request, payload);
        } catch (Refused e) {
            return Answer.noAnswer(e.getMessage());
        }
        if (response.statusCode() == 403) {
            try (InputStream body = response.body()) { // only its first 4 KiB: a reason is short
                return Answer.deny(HookReason.fromJson(new String(body.readNBytes(4096), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                return Answer.deny(null);
            }
        }
        close(response);
        return response.statusCode() / 100 == 2 ? Answer.ALLOW : Answer.noAnswer("HTTP " + response.statusCode());
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // the connection is dropped: nothing more to read anyway
        }
    }

    private HttpResponse<InputStream> send(String eventId, String eventType, String payload) {
        HttpRequest request = HttpRequest.newBuilder(spec.url()).timeout(spec.timeout())
                .header("Content-Type", "application/json")
                .header("X-Manila-Event-Id", eventId)
                .header("X-Manila-Event-Type", eventType)
                .header(HookSignature.HEADER, HookSignature.header(spec.secret(), Instant.now().getEpochSecond(), payload))
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream()); // headers only: the body is read, or not, after
        } catch (IOException e) {
            throw new Refused("not reached: " + e.getClass().getSimpleName(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
    }
}
