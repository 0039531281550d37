package org.manilaj.core.hooks;

import java.io.IOException;
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
        HttpResponse<String> response = send(eventId, eventType, payload);
        if (response.statusCode() / 100 != 2) {
            throw new Refused("HTTP " + response.statusCode());
        }
    }

    /** 2xx allows; 403 refuses, with the JSON answer's {@code reason}; anything else is no answer. */
    @Override
    public Answer ask(String requestId, String request, String payload) {
        HttpResponse<String> response;
        try {
            response = send(requestId, request, payload);
        } catch (Refused e) {
            return Answer.noAnswer(e.getMessage());
        }
        if (response.statusCode() / 100 == 2) {
            return Answer.ALLOW;
        }
        if (response.statusCode() == 403) {
            return Answer.deny(HookReason.fromJson(response.body()));
        }
        return Answer.noAnswer("HTTP " + response.statusCode());
    }

    private HttpResponse<String> send(String eventId, String eventType, String payload) {
        HttpRequest request = HttpRequest.newBuilder(spec.url()).timeout(spec.timeout())
                .header("Content-Type", "application/json")
                .header("X-Manila-Event-Id", eventId)
                .header("X-Manila-Event-Type", eventType)
                .header(HookSignature.HEADER, HookSignature.header(spec.secret(), Instant.now().getEpochSecond(), payload))
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Refused("not reached: " + e.getClass().getSimpleName(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
    }
}
