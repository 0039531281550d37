package org.manilaj.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The admin commands' way to a running service: its REST API at {@code --url}, with the token from
 * {@code --token-file} or {@code MANILA_TOKEN}. Failures become {@link AdminCommand.Failure}s that say plainly
 * what went wrong (no service there, a token refused, a token that is not an admin's).
 */
final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    AdminClient(String url, String token) {
        try {
            this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new AdminCommand.Failure("--url " + url + " is not a service URL such as http://127.0.0.1:8786", 2);
        }
        this.token = token;
    }

    /** The token: {@code --token-file}'s first line, else {@code MANILA_TOKEN}. */
    static String token(String tokenFile) {
        if (tokenFile != null) {
            try {
                String text = Files.readString(Path.of(tokenFile)).strip();
                if (!text.isEmpty()) {
                    return text.lines().findFirst().orElseThrow().strip();
                }
            } catch (IOException e) {
                throw new AdminCommand.Failure("cannot read --token-file " + tokenFile + ": " + e.getMessage(), 2);
            }
        }
        String token = System.getenv("MANILA_TOKEN");
        if (token == null || token.isBlank()) {
            throw new AdminCommand.Failure("no token: give --token-file or set MANILA_TOKEN", 2);
        }
        return token.strip();
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    private JsonNode send(String method, String path, Object body) {
        HttpResponse<String> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v2" + path))
                    .timeout(Duration.ofSeconds(60)).header("X-Auth-Token", token)
                    .header("X-OpenStack-Manila-API-Version", "2.65").header("Accept", "application/json");
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IllegalArgumentException e) { // a header value with a line break or another control character
            throw new AdminCommand.Failure("the token holds characters an HTTP header cannot carry: check --token-file"
                    + " or MANILA_TOKEN", 2);
        } catch (java.net.ConnectException e) {
            throw new AdminCommand.Failure("cannot reach the service at " + base + ": connection refused (is it running,"
                    + " and is --url right?)", 2);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new AdminCommand.Failure("cannot reach the service at " + base + ": no answer in time", 2);
        } catch (IOException e) {
            throw new AdminCommand.Failure("cannot reach the service at " + base + ": " + (e.getMessage() == null
                    ? "the connection failed" : e.getMessage()), 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminCommand.Failure("interrupted", 2);
        }
        JsonNode answer = parse(response.body());
        int status = response.statusCode();
        if (status == 401) {
            throw new AdminCommand.Failure("the service refused the token (401): check --token-file or MANILA_TOKEN", 3);
        }
        if (status == 403) {
            throw new AdminCommand.Failure("the token is not an admin's (403): these commands are for admins", 3);
        }
        if (status >= 400) {
            throw new AdminCommand.Failure(method + " " + path + ": " + status + " " + message(answer), 1);
        }
        return answer;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", body);
        }
    }

    /** Manila's fault body {@code {"badRequest": {"code": 400, "message": "..."}}}, or the text. */
    private static String message(JsonNode answer) {
        if (answer.isObject() && answer.size() == 1) {
            JsonNode fault = answer.elements().next();
            if (fault.has("message")) {
                return fault.get("message").asText();
            }
        }
        return answer.toString();
    }
}
