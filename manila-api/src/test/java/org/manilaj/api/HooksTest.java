package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hooks on the whole service against a real HTTP receiver (the JDK's server) and a real command: a share's create,
 * extend and delete reach the webhook signed (checked here as a receiver would, with the shared secret), in order,
 * the create after three refusals and a doubling backoff (four tries, one accepted); a webhook that always refuses
 * ends dead after its tries, visible to admins and redelivered by them; the command gets every event on its
 * standard input; a periodic hook gets the shares' usage every second; what receivers answer never shows in the API.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class HooksTest {
    private static final String SECRET = "test-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path STORAGE = TestPaths.tempDirectory("manila-hooks");
    private static final Path JOURNAL = STORAGE.resolve("journal.jsonl");

    /** One request the receiver got: its path, signature header, event headers, body and the status answered. */
    record Received(String path, String signature, String eventId, String eventType, String body, int status) {
    }

    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static final AtomicInteger CMDB_REFUSALS = new AtomicInteger(3);
    private static final HttpServer RECEIVER = receiver();

    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-hooks.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:mem:hooks-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"),
            ConfigOverride.config("backends[0].storage_root", STORAGE.resolve("shares").toString()),
            ConfigOverride.config("hooks[0].url", "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/cmdb"),
            ConfigOverride.config("hooks[1].url", "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/flaky"),
            ConfigOverride.config("hooks[2].command[2]", JOURNAL.toString()),
            ConfigOverride.config("hooks[3].url", "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/usage"));

    private static HttpServer receiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", HooksTest::receive);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void receive(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        int status = path.equals("/flaky") || path.equals("/cmdb") && CMDB_REFUSALS.getAndDecrement() > 0 ? 503 : 200;
        RECEIVED.add(new Received(path, exchange.getRequestHeaders().getFirst("X-Manila-Signature"),
                exchange.getRequestHeaders().getFirst("X-Manila-Event-Id"),
                exchange.getRequestHeaders().getFirst("X-Manila-Event-Type"), body, status));
        byte[] answer = "RECEIVER-OUTPUT-NEVER-SHOWN".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop(0);
    }

    @Test
    void eventsReachTheHooksSignedInOrderAtLeastOnce() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        String id = client.createShare(1);
        client.awaitStatus(id, "available");
        assertThat(client.post("/v2/shares/" + id + "/action", "{\"extend\": {\"new_size\": 2}}").status()).isEqualTo(202);
        client.awaitStatus(id, "available");
        assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");

        List<Received> accepted = awaitAccepted("/cmdb", id, 3);
        assertThat(accepted).extracting(Received::eventType)
                .containsExactly("share.create.end", "share.extend.end", "share.delete.end");
        for (Received received : RECEIVED) {
            assertThat(verifies(received)).as("signature of " + received.eventType()).isTrue();
            if (!received.path().equals("/cmdb") || !received.body().contains(id)) {
                continue;
            }
            JsonNode event = JSON.readTree(received.body());
            assertThat(event.path("id").asText()).isEqualTo(received.eventId());
            assertThat(event.path("share_id").asText()).isEqualTo(id);
        }
        String createId = accepted.get(0).eventId();
        assertThat(RECEIVED).filteredOn(received -> received.path().equals("/cmdb") && received.eventId().equals(createId))
                .as("three refusals, then the accepted try").extracting(Received::status).containsExactly(503, 503, 503, 200);
        assertThat(JSON.readTree(accepted.get(1).body()).path("data").path("size").asInt()).isEqualTo(2);
        List<Map<String, Object>> dead = awaitDead(client, "flaky");
        assertThat(dead).singleElement().satisfies(delivery -> {
            assertThat(delivery).containsEntry("event_type", "share.create.end").containsEntry("attempts", 2)
                    .containsEntry("last_error", "HTTP 503");
        });
        ManilaClient.Reply deliveries = client.get("/v2/admin/hooks/cmdb/deliveries");
        assertThat(deliveries.raw().body()).doesNotContain("RECEIVER-OUTPUT", SECRET);
        assertThat(client.get("/v2/admin/hooks").raw().body()).doesNotContain(SECRET);
        assertThat(client.post("/v2/admin/hooks/flaky/deliveries/" + dead.get(0).get("event_id") + "/redeliver", "")
                .status()).isEqualTo(202);
        assertThat(client.post("/v2/admin/hooks/flaky/deliveries/" + dead.get(0).get("event_id") + "/redeliver", "")
                .status()).as("pending again, not dead").isEqualTo(409);
        awaitDead(client, "flaky");

        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && (!Files.exists(JOURNAL) || Files.readAllLines(JOURNAL).size() < 3)) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(JOURNAL)).contains("\"type\":\"share.create.end\"", "\"type\":\"share.extend.end\"",
                "\"type\":\"share.delete.end\"");
    }

    /** The periodic hook's report lists a share with its used space, signed like any webhook. */
    @Test
    void aPeriodicHookGetsTheSharesUsage() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        String id = client.createShare(1);
        client.awaitStatus(id, "available");
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode listed = null;
        while (listed == null && System.nanoTime() < deadline) {
            for (Received report : RECEIVED.stream().filter(received -> received.path().equals("/usage")).toList()) {
                assertThat(report.eventType()).isEqualTo("shares.usage");
                assertThat(verifies(report)).isTrue();
                for (JsonNode share : JSON.readTree(report.body()).path("data").path("shares")) {
                    if (share.path("id").asText().equals(id)) {
                        listed = share;
                    }
                }
            }
            Thread.sleep(200);
        }
        assertThat(listed).as("a report listed the share").isNotNull();
        assertThat(listed.path("used_bytes").isNumber()).isTrue();
        assertThat(listed.path("size").asInt()).isEqualTo(1);
        assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
    }

    @Test
    void hooksAreForAdmins() {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        assertThat(client.get("/v2/admin/hooks/nothing/deliveries").status()).isEqualTo(404);
        assertThat(client.get("/v2/admin/hooks/cmdb/deliveries?status=odd").status()).isEqualTo(400);
        assertThat(client.get("/v2/admin/hooks/cmdb/deliveries?limit=0").status()).isEqualTo(400);
    }

    private static boolean verifies(Received received) throws Exception {
        Matcher header = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})").matcher(received.signature());
        if (!header.matches()) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((header.group(1) + "." + received.body()).getBytes(StandardCharsets.UTF_8));
        return java.security.MessageDigest.isEqual(expected, java.util.HexFormat.of().parseHex(header.group(2)));
    }

    private static List<Received> awaitAccepted(String path, String shareId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<Received> accepted;
        do {
            accepted = RECEIVED.stream().filter(received -> received.path().equals(path) && received.status() == 200
                    && received.body().contains("\"share_id\":\"" + shareId + "\"")).toList();
            if (accepted.size() >= count) {
                return accepted;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the receiver accepted " + accepted.size() + " of " + count + ": " + RECEIVED);
    }

    private static List<Map<String, Object>> awaitDead(ManilaClient client, String hook) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        do {
            List<Map<String, Object>> dead = client.get("/v2/admin/hooks/" + hook + "/deliveries?status=dead")
                    .list("deliveries");
            if (!dead.isEmpty()) {
                return dead;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no dead delivery for hook " + hook);
    }
}
