package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pre-hooks on the whole service: a webhook that refuses some creates (the share ends in error with the hook's
 * short reason in the tenant's message, cleaned, and nothing else the hook wrote), a webhook that fails (no answer:
 * allowed, as configured), a command that times out configured to deny, and a command that refuses one address's
 * access rule (the rule in error with its reason; another address goes through). Hooks' other output never shows.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PreHooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path STORAGE = TestPaths.tempDirectory("manila-prehooks");
    private static final HttpServer POLICY = policy();

    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-prehooks.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:mem:prehooks-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"),
            ConfigOverride.config("backends[0].storage_root", STORAGE.resolve("shares").toString()),
            ConfigOverride.config("hooks[0].url", "http://127.0.0.1:" + POLICY.getAddress().getPort() + "/policy"));

    /** Refuses names starting with "forbidden" (403 with a reason and noise), fails on "broken" (500), allows the rest. */
    private static HttpServer policy() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", PreHooksTest::decide);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void decide(HttpExchange exchange) throws IOException {
        String name = JSON.readTree(exchange.getRequestBody()).path("data").path("name").asText();
        int status = name.startsWith("forbidden") ? 403 : name.startsWith("broken") ? 500 : 200;
        String answer = status == 403
                ? "{\"reason\": \"names starting with forbidden\\u0007 are\\nnot allowed\", \"debug\": \"POLICY-INTERNALS\"}"
                : "POLICY-INTERNALS";
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @AfterAll
    static void stopPolicy() {
        POLICY.stop(0);
    }

    private static String create(ManilaClient client, String name) {
        ManilaClient.Reply reply = client.post("/v2/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": 1, \"name\": \""
                + name + "\"}}");
        assertThat(reply.status()).isEqualTo(200);
        return (String) reply.object("share").get("id");
    }

    private static List<String> messages(ManilaClient client, String shareId) {
        return client.get("/v2/messages?resource_id=" + shareId).list("messages").stream()
                .map(message -> (String) message.get("user_message")).toList();
    }

    @Test
    void aPreHookRefusesACreateWithItsReasonOnly() {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        String refused = create(client, "forbidden-1");
        client.awaitStatus(refused, "error");
        assertThat(messages(client, refused)).containsExactly(
                "create: A policy hook refused the request: names starting with forbidden are not allowed");
        assertThat(client.get("/v2/messages").raw().body()).doesNotContain("POLICY-INTERNALS");

        String unanswered = create(client, "broken-1");
        assertThat(client.awaitStatus(unanswered, "available")).as("no answer: allowed (on_timeout: allow)").isNotNull();

        String slow = create(client, "slow-deny-1");
        client.awaitStatus(slow, "error");
        assertThat(messages(client, slow)).containsExactly("create: A policy hook refused the request: hook slow gave no answer");

        String allowed = create(client, "fine");
        client.awaitStatus(allowed, "available");
        assertThat(messages(client, allowed)).isEmpty();
    }

    @Test
    void aPreHookRefusesAnAccessRuleWithItsReason() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        String shareId = create(client, "for-access");
        client.awaitStatus(shareId, "available");
        String quarantined = allow(client, shareId, "10.0.0.66");
        String fine = allow(client, shareId, "10.0.0.7");

        awaitRule(client, quarantined, "error");
        awaitRule(client, fine, "active");
        assertThat(messages(client, shareId)).containsExactly(
                "allow access: A policy hook refused the request: address 10.0.0.66 is quarantined");
        assertThat(client.get("/v2/messages").raw().body()).doesNotContain("HOOK-STDERR");
    }

    /**
     * A rule allowed while the hook is still answering about another is asked about too (in the next round), not
     * carried along with the first: the slow hook answers about 10.0.0.5 in 2 s, meanwhile 10.0.0.66 is allowed.
     */
    @Test
    void aRuleQueuedWhileTheHookAnswersIsAskedAboutToo() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        String shareId = create(client, "for-racing-access");
        client.awaitStatus(shareId, "available");
        String slow = allow(client, shareId, "10.0.0.5");
        Thread.sleep(500); // the hook is answering about 10.0.0.5
        String quarantined = allow(client, shareId, "10.0.0.66");

        awaitRule(client, slow, "active");
        awaitRule(client, quarantined, "error");
    }

    private static String allow(ManilaClient client, String shareId, String address) {
        ManilaClient.Reply reply = client.post("/v2/shares/" + shareId + "/action", "{\"allow_access\": {\"access_type\":"
                + " \"ip\", \"access_to\": \"" + address + "\", \"access_level\": \"rw\"}}");
        assertThat(reply.status()).isEqualTo(200);
        return (String) reply.object("access").get("id");
    }

    private static void awaitRule(ManilaClient client, String ruleId, String state) throws InterruptedException {
        Map<String, Object> rule = Map.of();
        for (int attempt = 0; attempt < 500; attempt++) {
            rule = client.get("/v2/share-access-rules/" + ruleId).object("access");
            if (state.equals(rule.get("state"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("rule " + ruleId + " did not become " + state + ": " + rule);
    }
}
