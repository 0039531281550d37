package org.manilaj.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A plain HTTP client for tests: sends exactly what it is given, returns status, headers and parsed JSON. */
final class ManilaClient {
    static final String PROJECT = "9f3c6a1e2b7d4c58a0e1f2d3c4b5a697";
    static final String TOKEN = "admin:" + PROJECT;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final List<String> headers = new ArrayList<>();

    ManilaClient(int port) {
        this.base = "http://127.0.0.1:" + port;
        headers.addAll(List.of("X-Auth-Token", TOKEN, "X-OpenStack-Manila-API-Version", "2.65"));
    }

    private ManilaClient(String base, List<String> headers) {
        this.base = base;
        this.headers.addAll(headers);
    }

    /** A copy that sends {@code name: value} instead of (or in addition to) the defaults; null removes it. */
    ManilaClient withHeader(String name, String value) {
        List<String> copy = new ArrayList<>();
        for (int i = 0; i < headers.size(); i += 2) {
            if (!headers.get(i).equalsIgnoreCase(name)) {
                copy.add(headers.get(i));
                copy.add(headers.get(i + 1));
            }
        }
        if (value != null) {
            copy.add(name);
            copy.add(value);
        }
        return new ManilaClient(base, copy);
    }

    record Reply(int status, Map<String, Object> body, HttpResponse<String> raw) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object(String key) {
            return (Map<String, Object>) body.get(key);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list(String key) {
            return (List<Map<String, Object>>) body.get(key);
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, String json) {
        return send("POST", path, json);
    }

    Reply put(String path, String json) {
        return send("PUT", path, json);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    /**
     * A delete as a patient client makes it: asked again while the answer is 409 (the share still busy, e.g. with
     * the end of a replication run whose replica is already gone), for at most 30 s.
     */
    Reply deleteWhenIdle(String path) {
        return whenIdle(() -> delete(path));
    }

    /** Sends the request again while it is refused as busy (409: another operation of the share runs), up to 30 s. */
    Reply whenIdle(java.util.function.Supplier<Reply> request) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Reply reply = request.get();
        while (reply.status() == 409 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            reply = request.get();
        }
        return reply;
    }

    /** Waits (at most a minute) until the share's access rules are all in effect ({@code access_rules_status}). */
    /** Polls the share until it is {@code size} GiB and available; fails after 60 s. */
    void awaitSize(String shareId, int size) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Object> share;
        do {
            share = get("/v2/shares/" + shareId).object("share");
            if (((Number) share.get("size")).intValue() == size && "available".equals(share.get("status"))) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("share " + shareId + " did not become " + size + " GiB and available: " + share);
    }

    void awaitAccessActive(String shareId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"active".equals(get("/v2/shares/" + shareId).object("share").get("access_rules_status"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("access of share " + shareId + " did not become active");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    Reply send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> body = response.body().isBlank() ? Map.of()
                    : JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
            return new Reply(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates the default share type (idempotent across tests sharing an app). */
    void ensureDefaultType() {
        Reply reply = post("/v2/types", "{\"share_type\": {\"name\": \"default\", \"extra_specs\": {\"driver_handles_share_servers\": false}}}");
        if (reply.status() != 200 && reply.status() != 409) {
            throw new IllegalStateException("cannot create the default share type: " + reply.raw().body());
        }
    }

    String createShare(int size) {
        Reply reply = post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": " + size + "}}");
        if (reply.status() != 200) {
            throw new IllegalStateException("create failed: " + reply.raw().body());
        }
        return (String) reply.object("share").get("id");
    }

    /** Polls a rebalance plan until it is done or cancelled; fails after 120 s. */
    Map<String, Object> awaitPlanEnded(String planId) {
        return awaitPlan(planId, "done", "cancelled");
    }

    /** Polls a rebalance plan until its status is one of {@code statuses}; fails after 120 s. */
    Map<String, Object> awaitPlan(String planId, String... statuses) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
        Map<String, Object> plan;
        do {
            plan = get("/v2/admin/rebalance-plans/" + planId).object("rebalance_plan");
            if (java.util.Arrays.asList(statuses).contains(plan.get("status"))) {
                return plan;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("plan " + planId + " did not become " + String.join(" or ", statuses) + ": " + plan);
    }

    /** Polls a share until it reaches {@code status} ("gone" for a 404); fails after 20 s. */
    Map<String, Object> awaitStatus(String shareId, String status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Reply last = null;
        while (System.nanoTime() < deadline) {
            last = get("/v2/shares/" + shareId);
            if (status.equals("gone") && last.status() == 404) {
                return Map.of();
            }
            if (last.status() == 200 && status.equals(last.object("share").get("status"))) {
                return last.object("share");
            }
            if (last.status() == 200 && String.valueOf(last.object("share").get("status")).contains("error")) {
                break; // a failure will not turn into what we wait for
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("share " + shareId + " did not become " + status + "; last reply: "
                + (last == null ? null : last.raw().body()));
    }

    /** Fails unless the service's audit finds the database and every backend in agreement. */
    void assertAuditClean() {
        assertAuditClean(finding -> true);
    }

    /**
     * Fails unless the service's audit finds nothing {@code concerns} (on hosts other tests use too, what they left is
     * no concern of this test's service).
     */
    @SuppressWarnings("unchecked")
    void assertAuditClean(java.util.function.Predicate<Map<String, Object>> concerns) {
        Reply reply = get("/v2/admin/audit");
        if (reply.status() != 200) {
            throw new AssertionError("audit answered " + reply.status() + ": " + reply.raw().body());
        }
        List<Map<String, Object>> findings = ((List<Map<String, Object>>) reply.object("audit").get("findings")).stream()
                .filter(concerns).toList();
        if (!findings.isEmpty()) {
            throw new AssertionError("the audit found: " + findings);
        }
    }
}
