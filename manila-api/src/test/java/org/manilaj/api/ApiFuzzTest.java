package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated requests against every endpoint of the OpenAPI document (and some no route has): random and mutated JSON
 * bodies (wrong types, huge and negative numbers, unicode, nulls, duplicate keys, deep nesting, garbage), query
 * strings, microversion headers, path ids and tokens. Never a 5xx; every error is Manila's body (one fault name with
 * its code and message) and never a stack trace; the service still answers afterwards.
 */
class ApiFuzzTest {
    static final int REQUESTS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROJECT = ManilaClient.PROJECT;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final AtomicInteger SENT = new AtomicInteger();

    private static final Map<Integer, AtomicInteger> STATUSES = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Shares the fuzzed requests work on; fuzzed deletes remove some, so more are made as they go. */
    private static final List<String> SHARES = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static DropwizardTestSupport<ManilaConfiguration> app;
    private static List<Endpoint> endpoints;
    private static String typeId;

    /** A documented method and path template. */
    record Endpoint(String method, String template) {
    }

    /** One generated request. */
    record FuzzRequest(String method, String path, String query, String version, String token, String body) {
        @Override
        public String toString() {
            return method + " " + path + query + " version=" + version + " token=" + token + " body="
                    + (body == null ? null : body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }

    @BeforeContainer
    static void startTheService() throws Exception {
        app = new DropwizardTestSupport<>(ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
                ConfigOverride.config("database.url", "jdbc:h2:mem:fuzz-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"),
                ConfigOverride.config("backends[0].storage_root", TestPaths.tempDirectory("manila-fuzz").toString()));
        app.before();
        ManilaClient client = new ManilaClient(app.getLocalPort());
        client.ensureDefaultType();
        replenishShares();
        typeId = (String) client.get("/v2/types/default").object("share_type").get("id");
        JsonNode document = JSON.readTree(client.get("/openapi.json").raw().body());
        List<Endpoint> found = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> found.add(new Endpoint(method.toUpperCase(), path.getKey()))));
        endpoints = List.copyOf(found);
        assertThat(endpoints).hasSizeGreaterThan(50);
    }

    /**
     * Keeps up to five available shares to work on: the backend enabled and the quota lifted again, as the fuzzed
     * requests may have changed them; when a create still fails (a fuzzed spec on the default type), fewer.
     */
    private static void replenishShares() {
        ManilaClient client = new ManilaClient(app.getLocalPort());
        client.put("/v2/quota-sets/" + PROJECT, "{\"quota_set\": {\"shares\": -1, \"gigabytes\": -1,"
                + " \"per_share_gigabytes\": -1}}");
        client.put("/v2/services/enable", "{\"host\": \"manila@local\", \"binary\": \"manila-share\"}");
        SHARES.removeIf(id -> !"available".equals(client.get("/v2/shares/" + id).body().getOrDefault("share", Map.of())
                instanceof Map<?, ?> share ? share.get("status") : null));
        for (int attempt = 0; attempt < 5 && SHARES.size() < 5; attempt++) {
            ManilaClient.Reply created = client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1}}");
            if (created.status() != 200) {
                return;
            }
            String id = (String) created.object("share").get("id");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Object status = "creating";
            while ("creating".equals(status) && System.nanoTime() < deadline) {
                status = client.get("/v2/shares/" + id).object("share").get("status");
            }
            if ("available".equals(status)) {
                SHARES.add(id);
            }
        }
    }

    @AfterContainer
    static void theServiceStillAnswersAndEveryRequestWasSent() {
        System.out.println("ApiFuzzTest: " + SENT.get() + " requests, answers by status: " + STATUSES);
        try {
            ManilaClient client = new ManilaClient(app.getLocalPort());
            assertThat(client.get("/v2/shares").status()).isEqualTo(200);
            assertThat(SENT.get()).isGreaterThanOrEqualTo(REQUESTS);
        } finally {
            app.after();
        }
    }

    @Property(tries = REQUESTS, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void neverAServerErrorAlwaysManilasErrorBody(@ForAll("requests") FuzzRequest request) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.getLocalPort()
                + request.path() + request.query())).timeout(Duration.ofSeconds(30))
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body()));
        if (request.body() != null) {
            builder.header("Content-Type", "application/json");
        }
        if (request.version() != null) {
            builder.header("X-OpenStack-Manila-API-Version", request.version());
        }
        if (request.token() != null) {
            builder.header("X-Auth-Token", request.token());
        }
        HttpResponse<String> response;
        try {
            response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException closed) {
            // Jetty closes a connection whose request body it did not read (a request refused before its body was
            // needed); the client may have sent this request on it just then. The same request once more, on a new one:
            response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        }
        if (SENT.incrementAndGet() % 500 == 0) {
            replenishShares();
        }
        STATUSES.computeIfAbsent(response.statusCode(), status -> new AtomicInteger()).incrementAndGet();
        String body = response.body();
        assertThat(response.statusCode()).as(request + " -> " + body).isLessThan(500);
        assertThat(body).as(request.toString()).doesNotContain("\tat ", "org.manilaj.", "java.lang.", "Caused by");
        if (response.statusCode() >= 400 && !request.method().equals("HEAD")) {
            JsonNode error = JSON.readTree(body);
            assertThat(error.size()).as(request + " -> " + body).isEqualTo(1);
            JsonNode fault = error.elements().next();
            assertThat(fault.path("code").asInt()).as(request + " -> " + body).isEqualTo(response.statusCode());
            assertThat(fault.path("message").isTextual()).as(request + " -> " + body).isTrue();
        }
    }

    @Provide
    Arbitrary<FuzzRequest> requests() {
        Arbitrary<Endpoint> endpoint = Arbitraries.of(endpoints);
        Arbitrary<String> method = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")));
        Arbitrary<List<String>> odd = oddPathSegment().list().ofSize(3);
        Arbitrary<List<Integer>> picks = Arbitraries.integers().between(0, 1_000_000).list().ofSize(4);
        return Combinators.combine(endpoint, method, Combinators.combine(odd, picks).as(List::of), query(), version(), token(),
                        body(), Arbitraries.integers().between(0, 9))
                .as((chosen, otherMethod, oddAndPicks, query, version, token, randomBody, oddOne) -> {
                    @SuppressWarnings("unchecked")
                    List<String> odds = (List<String>) oddAndPicks.get(0);
                    @SuppressWarnings("unchecked")
                    List<Integer> pick = (List<Integer>) oddAndPicks.get(1);
                    java.util.regex.Matcher placeholder = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(chosen.template());
                    StringBuilder path = new StringBuilder();
                    int index = 0;
                    while (placeholder.find()) {
                        // mostly a value of the placeholder's own kind (so that requests reach the code behind it)
                        String value = oddOne == index ? odds.get(index % odds.size())
                                : idFor(placeholder.group(1), pick.get(index % pick.size()));
                        placeholder.appendReplacement(path, java.util.regex.Matcher.quoteReplacement(value));
                        index++;
                    }
                    placeholder.appendTail(path);
                    String verb = otherMethod.isEmpty() ? chosen.method() : otherMethod;
                    boolean sendsBody = List.of("POST", "PUT", "PATCH").contains(verb);
                    String body = pick.get(3) % 3 == 0 ? randomBody : mutatedBodyFor(chosen.template(), pick.get(3), randomBody);
                    return new FuzzRequest(verb, path.toString(), query, version, token, sendsBody ? body : null);
                });
    }

    /** A value for a path placeholder of this name: a live share, the default type, the project, a valid choice... */
    private static String idFor(String placeholder, int pick) {
        String name = placeholder.replaceAll(":.*", "").strip();
        return switch (name) {
            case "shareId", "id" -> SHARES.isEmpty() ? "00000000-0000-0000-0000-000000000000" : SHARES.get(pick % SHARES.size());
            case "typeId" -> pick % 2 == 0 ? typeId : "default";
            case "projectId" -> PROJECT;
            case "collection" -> pick % 2 == 0 ? "quota-sets" : "os-quota-sets";
            case "services" -> pick % 2 == 0 ? "services" : "os-services";
            case "action" -> pick % 2 == 0 ? "enable" : "disable";
            case "backend" -> "local";
            case "hook" -> "nohook";
            case "key" -> "k";
            default -> java.util.UUID.nameUUIDFromBytes(Integer.toString(pick).getBytes(StandardCharsets.UTF_8)).toString();
        };
    }

    /** One of the valid bodies of this kind of endpoint, with one field replaced by {@code value} or removed. */
    private static String mutatedBodyFor(String template, int pick, String value) {
        List<Map<String, Object>> bodies = bodiesFor(template);
        Map<String, Object> chosen = bodies.get(pick % bodies.size());
        Object replacement;
        try {
            replacement = JSON.readValue(value, Object.class);
        } catch (Exception e) {
            replacement = value;
        }
        return json(pick % 5 == 0 ? chosen : mutate(chosen, pick / 5, replacement, pick % 7 == 0));
    }

    /** Traversal, unicode, huge or odd segments (percent-encoded, as a client would send). */
    private static Arbitrary<String> oddPathSegment() {
        return Arbitraries.oneOf(
                Arbitraries.of("..", "%2e%2e", "%2F", "x;y", "%00", "quota-sets", "services", "os-services", "enable",
                        "disable", "detail", "-1", "0", "9".repeat(40)),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40).map(text -> URLEncoder.encode(text, StandardCharsets.UTF_8)),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(300));
    }

    private static Arbitrary<String> query() {
        Arbitrary<String> key = Arbitraries.of("limit", "offset", "sort_key", "sort_dir", "name", "status", "all_tenants",
                "share_id", "share_type_id", "is_public", "export_location_path", "host", "binary", "status", "dead", "x");
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of("-1", "0", "1", "1000", "1001", "99999999999999999999",
                "true", "false", "asc", "desc", "created_at", "id", "", "null", "%", "'; DROP TABLE shares; --"),
                Arbitraries.strings().all().ofMaxLength(30));
        Arbitrary<String> pair = Combinators.combine(key, value).as((k, v) -> k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
        return pair.list().ofMaxSize(4).map(pairs -> pairs.isEmpty() ? "" : "?" + String.join("&", pairs));
    }

    /** Mostly versions the service speaks (so that requests get past negotiation), sometimes none or nonsense. */
    private static Arbitrary<String> version() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of("2.65", "2.0", "2.7", "2.29", "2.45", "2.55")),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(null)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("2.66", "3.0", "1.0", "latest", "2.", "2.-1", "2.99999999999999999",
                        "garbage", "", "2.65 2.65")));
    }

    private static Arbitrary<String> token() {
        String admin = "admin:" + PROJECT;
        return Arbitraries.of(admin, admin, admin, admin, admin, admin, "alice:" + PROJECT, null, "", "bad token!", "x".repeat(300),
                "admin:" + "f".repeat(32));
    }

    /** Mutated valid bodies, random JSON, and raw text no JSON parser accepts or that JSON allows but we may not. */
    private static Arbitrary<String> body() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, mutatedValidBody()),
                net.jqwik.api.Tuple.of(3, jsonValue(4).map(ApiFuzzTest::json)),
                net.jqwik.api.Tuple.of(2, rawBody()));
    }

    private static Arbitrary<String> rawBody() {
        return Arbitraries.oneOf(
                Arbitraries.of("", "{", "}", "[]", "null", "\"share\"", "{\"share\": }", "{\"share\": {\"size\": 1,}}",
                        "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1}, \"share\": {\"size\": -1}}",
                        "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"size\": 2}}",
                        "{\"allow_access\": {\"access_type\": \"ip\", \"access_to\": \"10.0.0.1\", \"access_to\": \"$(reboot)\"}}",
                        "[".repeat(5000), "{\"a\":".repeat(200) + "1" + "}".repeat(200), "\u0000\u0001\u0002",
                        "{\"share\": {\"size\": 1e999999}}", "{\"share\": {\"size\": -0.0}}", "{\"extend\": {\"new_size\": NaN}}"),
                Arbitraries.strings().all().ofMaxLength(200));
    }

    private static final List<Map<String, Object>> VALID = validBodies();

    /** The valid bodies an endpoint takes, by the last words of its path. */
    private static List<Map<String, Object>> bodiesFor(String template) {
        String path = template.replaceAll("\\{[^}]+}", "*");
        java.util.function.Predicate<Map<String, Object>> wanted = body -> {
            String key = body.keySet().iterator().next();
            return switch (path) {
                case "/v2/shares" -> key.equals("share");
                case "/v2/shares/*" -> key.equals("share");
                case "/v2/shares/*/action" -> List.of("allow_access", "deny_access", "extend", "shrink", "reset_status",
                        "migration_start", "force_delete", "migration_get_progress", "migration_complete", "migration_cancel")
                        .contains(key);
                case "/v2/types" -> key.equals("share_type");
                case "/v2/types/*/extra_specs" -> key.equals("extra_specs");
                case "/v2/types/*/action" -> key.equals("addProjectAccess") || key.equals("removeProjectAccess");
                case "/v2/*/*", "/v2/*/*/defaults", "/v2/*/*/detail" -> key.equals("quota_set");
                case "/v2/shares/*/metadata", "/v2/shares/*/metadata/*" -> key.equals("metadata") || key.equals("meta");
                case "/v2/share-replicas" -> key.equals("share_replica");
                case "/v2/share-replicas/*/action" -> List.of("promote", "resync", "reset_status", "reset_replica_state")
                        .contains(key);
                case "/v2/admin/rebalance-plans" -> key.equals("rebalance_plan");
                case "/v2/admin/backends/*/drain" -> key.equals("drain");
                case "/v2/admin/audit" -> key.equals("audit");
                case "/v2/admin/rebalance-plans/*/cancel" -> key.equals("cancel");
                default -> key.equals("host");
            };
        };
        List<Map<String, Object>> bodies = VALID.stream().filter(wanted).toList();
        return bodies.isEmpty() ? VALID : bodies;
    }

    private static List<Map<String, Object>> validBodies() {
        return List.of(
                Map.of("force_delete", Map.of()),
                Map.of("migration_get_progress", Map.of()),
                Map.of("migration_complete", Map.of()),
                Map.of("migration_cancel", Map.of()),
                Map.of("removeProjectAccess", Map.of("project", PROJECT)),
                Map.of("meta", Map.of("k", "v")),
                Map.of("promote", Map.of()),
                Map.of("resync", Map.of()),
                Map.of("reset_replica_state", Map.of("replica_state", "in_sync")),
                Map.of("audit", Map.of("fix", false)),
                Map.of("cancel", Map.of("in_flight", "finish")),
                Map.of("share", Map.of("share_proto", "NFS", "size", 1, "name", "n")),
                Map.of("allow_access", Map.of("access_type", "ip", "access_to", "10.0.0.7", "access_level", "rw")),
                Map.of("deny_access", Map.of("access_id", "00000000-0000-0000-0000-000000000000")),
                Map.of("extend", Map.of("new_size", 2)),
                Map.of("shrink", Map.of("new_size", 1)),
                Map.of("reset_status", Map.of("status", "available")),
                Map.of("migration_start", Map.of("host", "manila@local#pool0", "writable", true, "preserve_metadata", false,
                        "nondisruptive", false, "preserve_snapshots", false)),
                Map.of("share_type", Map.of("name", "t", "extra_specs", Map.of("driver_handles_share_servers", false))),
                Map.of("extra_specs", Map.of("autoextend:enabled", "true")),
                Map.of("quota_set", Map.of("shares", 10, "gigabytes", 100)),
                Map.of("metadata", Map.of("k", "v")),
                Map.of("share_replica", Map.of("share_id", "00000000-0000-0000-0000-000000000000")),
                Map.of("rebalance_plan", Map.of("dry_run", true, "band", 10)),
                Map.of("drain", Map.of("dry_run", true)),
                Map.of("host", "manila@local", "binary", "manila-share"),
                Map.of("addProjectAccess", Map.of("project", PROJECT)));
    }

    /** A valid body of some endpoint with one of its fields replaced by a random value or removed. */
    private static Arbitrary<String> mutatedValidBody() {
        Arbitrary<Map<String, Object>> template = Arbitraries.of(VALID);
        return Combinators.combine(template, Arbitraries.integers().between(0, 20), jsonValue(2), Arbitraries.of(true, false))
                .as((body, which, replacement, remove) -> json(mutate(body, which, replacement, remove)));
    }

    @SuppressWarnings("unchecked")
    private static Object mutate(Object value, int which, Object replacement, boolean remove) {
        if (!(value instanceof Map<?, ?> map) || map.isEmpty()) {
            return value;
        }
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
        List<String> keys = new ArrayList<>(copy.keySet());
        String key = keys.get(which % keys.size());
        Object inner = copy.get(key);
        if (inner instanceof Map<?, ?> && which % 3 != 0) {
            copy.put(key, mutate(inner, which / 2, replacement, remove));
        } else if (remove) {
            copy.remove(key);
        } else {
            copy.put(key, replacement);
        }
        return copy;
    }

    /** Any JSON value, at most {@code depth} levels deep. */
    private static Arbitrary<Object> jsonValue(int depth) {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40).map(text -> (Object) text),
                Arbitraries.of("", "NFS", "CIFS", "ip", "cert", "user", "rw", "ro", "available", "error", "10.0.0.1/33", "::1",
                        "a b", "../../etc/passwd", "$(touch /tmp/canary)", "`id`", "x\ny", "\u202eevil", "😀").map(text -> (Object) text),
                Arbitraries.integers().map(number -> (Object) number),
                Arbitraries.of(0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, 2147483648L).map(number -> (Object) number),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)).map(number -> (Object) number),
                Arbitraries.doubles().map(number -> (Object) number),
                Arbitraries.of(true, false).map(flag -> (Object) flag),
                Arbitraries.just(null));
        if (depth <= 0) {
            return leaf;
        }
        Arbitrary<Object> nested = Arbitraries.lazy(() -> jsonValue(depth - 1));
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of("share", "size", "name", "share_proto", "access_to",
                "access_type", "access_level", "new_size", "status", "host", "metadata", "extra_specs", "share_type",
                "quota_set", "force", "dry_run"), Arbitraries.strings().all().ofMaxLength(10));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, leaf),
                net.jqwik.api.Tuple.of(2, Arbitraries.maps(key, nested).ofMaxSize(4).map(map -> (Object) map)),
                net.jqwik.api.Tuple.of(1, nested.list().ofMaxSize(4).map(list -> (Object) list)));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
