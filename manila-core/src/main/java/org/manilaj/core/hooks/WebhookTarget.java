package org.manilaj.core.hooks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

/** POSTs the event as JSON, signed; delivered on any 2xx answer. */
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
        HttpRequest request = HttpRequest.newBuilder(spec.url()).timeout(spec.timeout())
                .header("Content-Type", "application/json")
                .header("X-Manila-Event-Id", eventId)
                .header("X-Manila-Event-Type", eventType)
                .header(HookSignature.HEADER, HookSignature.header(spec.secret(), Instant.now().getEpochSecond(), payload))
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
        HttpResponse<Void> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new Refused("not reached: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw new Refused("HTTP " + response.statusCode());
        }
    }
}
