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

    private static DropwizardTestSupport<ManilaConfiguration> app;
    private static List<Endpoint> endpoints;
    private static List<String> ids;

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
        String share = client.createShare(1);
        client.awaitStatus(share, "available");
        String type = (String) client.get("/v2/types/default").object("share_type").get("id");
        ids = List.of(share, type, PROJECT, "default", "00000000-0000-0000-0000-000000000000");
        JsonNode document = JSON.readTree(client.get("/openapi.json").raw().body());
        List<Endpoint> found = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> found.add(new Endpoint(method.toUpperCase(), path.getKey()))));
        endpoints = List.copyOf(found);
        assertThat(endpoints).hasSizeGreaterThan(50);
    }

    @AfterContainer
    static void theServiceStillAnswersAndEveryRequestWasSent() {
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
        SENT.incrementAndGet();
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
        Arbitrary<List<String>> pathIds = pathId().list().ofSize(3);
        return Combinators.combine(endpoint, method, pathIds, query(), version(), token(), body())
                .as((chosen, otherMethod, values, query, version, token, body) -> {
                    String path = chosen.template();
                    for (String value : values) {
                        path = path.replaceFirst("\\{[^}]+}", java.util.regex.Matcher.quoteReplacement(value));
                    }
                    String verb = otherMethod.isEmpty() ? chosen.method() : otherMethod;
                    boolean sendsBody = List.of("POST", "PUT", "PATCH").contains(verb);
                    return new FuzzRequest(verb, path, query, version, token, sendsBody ? body : null);
                });
    }

    /** Real ids mostly, else traversal, unicode, huge or empty segments (percent-encoded, as a client would send). */
    private static Arbitrary<String> pathId() {
        Arbitrary<String> odd = Arbitraries.oneOf(
                Arbitraries.of("..", "%2e%2e", "%2F", "x;y", "%00", "quota-sets", "services", "os-services", "enable",
                        "disable", "detail", "-1", "0", "9".repeat(40)),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40).map(text -> URLEncoder.encode(text, StandardCharsets.UTF_8)),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(300));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, Arbitraries.of(ids)), net.jqwik.api.Tuple.of(1, odd));
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

    /** A valid body of some endpoint with one of its fields replaced by a random value or removed. */
    private static Arbitrary<String> mutatedValidBody() {
        List<Map<String, Object>> valid = List.of(
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
        Arbitrary<Map<String, Object>> template = Arbitraries.of(valid);
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
