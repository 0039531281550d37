package org.manilaj.csi.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugin's only way to the service: Manila's v2 REST API with a token ({@code X-Auth-Token}), at the
 * newest microversion the service speaks. Thread-safe. Every failure is an {@link ApiException} carrying
 * the service's own (tenant-safe) message.
 */
public final class ManilaApi {
    static final String MICROVERSION = "2.65";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String projectId;
    private final String token;
    private final Duration requestTimeout;
    private final HttpClient http;

    public ManilaApi(URI base, String projectId, String token, Duration requestTimeout) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.projectId = projectId;
        this.token = token;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** True when the service answers an authenticated request with the plugin's token. */
    public boolean answers() {
        try {
            send("GET", "shares?limit=1", null);
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    public Optional<ShareInfo> share(String shareId) {
        try {
            return Optional.of(share(send("GET", "shares/" + shareId, null).get("share")));
        } catch (ApiException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The shares whose name is exactly {@code name}: the summary list first (cheap, and usually empty, as
     * most names are new), then each match in full.
     */
    public List<ShareInfo> sharesNamed(String name) {
        List<ShareInfo> shares = new ArrayList<>();
        for (JsonNode summary : send("GET", "shares?name=" + encode(name), null).get("shares")) {
            if (name.equals(summary.path("name").asText(null))) {
                share(summary.path("id").asText()).ifPresent(shares::add);
            }
        }
        return shares;
    }

    /** One page of the project's shares, oldest first, so that paging is stable while shares are added. */
    public List<ShareInfo> page(int offset, int limit) {
        JsonNode list = send("GET", "shares/detail?sort_key=created_at&sort_dir=asc&offset=" + offset + "&limit=" + limit,
                null).get("shares");
        List<ShareInfo> shares = new ArrayList<>();
        list.forEach(node -> shares.add(share(node)));
        return shares;
    }

    public ShareInfo create(NewShare share) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode fields = body.putObject("share");
        fields.put("share_proto", "NFS").put("size", share.sizeGib()).put("name", share.name());
        if (share.shareType() != null) {
            fields.put("share_type", share.shareType());
        }
        if (share.availabilityZone() != null) {
            fields.put("availability_zone", share.availabilityZone());
        }
        ObjectNode metadata = fields.putObject("metadata");
        share.metadata().forEach(metadata::put);
        return share(send("POST", "shares", body).get("share"));
    }

    /** Deletes the share; one that is already gone is not an error. */
    public void delete(String shareId) {
        try {
            send("DELETE", "shares/" + shareId, null);
        } catch (ApiException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    /** Removes one metadata key; a key (or share) already gone is not an error. */
    public void deleteMetadata(String shareId, String key) {
        try {
            send("DELETE", "shares/" + shareId + "/metadata/" + encode(key).replace("+", "%20"), null);
        } catch (ApiException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    public void rename(String shareId, String name) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("share").put("display_name", name);
        send("PUT", "shares/" + shareId, body);
    }

    public void extend(String shareId, int newSizeGib) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("extend").put("new_size", newSizeGib);
        send("POST", "shares/" + shareId + "/action", body);
    }

    /** The share's export locations, the preferred ones first. */
    public List<String> exportLocations(String shareId) {
        List<String> preferred = new ArrayList<>();
        List<String> others = new ArrayList<>();
        send("GET", "shares/" + shareId + "/export_locations", null).get("export_locations").forEach(location ->
                (location.path("preferred").asBoolean(false) ? preferred : others).add(location.path("path").asText()));
        preferred.addAll(others);
        return preferred;
    }

    public List<AccessRuleInfo> accessRules(String shareId) {
        List<AccessRuleInfo> rules = new ArrayList<>();
        send("GET", "share-access-rules?share_id=" + encode(shareId), null).get("access_list")
                .forEach(rule -> rules.add(rule(rule)));
        return rules;
    }

    public AccessRuleInfo allow(String shareId, String address, String level) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("allow_access").put("access_type", "ip").put("access_to", address).put("access_level", level);
        return rule(send("POST", "shares/" + shareId + "/action", body).get("access"));
    }

    /** Revokes a rule; one that is already gone is not an error. */
    public void deny(String shareId, String ruleId) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("deny_access").put("access_id", ruleId);
        try {
            send("POST", "shares/" + shareId + "/action", body);
        } catch (ApiException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    public ShareCapacity capacity(String shareType, String availabilityZone) {
        StringBuilder query = new StringBuilder("share-capacity");
        char separator = '?';
        if (shareType != null) {
            query.append(separator).append("share_type=").append(encode(shareType));
            separator = '&';
        }
        if (availabilityZone != null) {
            query.append(separator).append("availability_zone=").append(encode(availabilityZone));
        }
        return new ShareCapacity(send("GET", query.toString(), null).get("share_capacity").path("available_gb").asLong());
    }

    /** The newest user message about a share (why its last operation failed), if any. */
    public Optional<String> latestMessage(String shareId) {
        JsonNode messages = send("GET", "messages?resource_id=" + encode(shareId), null).get("messages");
        return messages.isEmpty() ? Optional.empty() : Optional.ofNullable(messages.get(0).path("user_message").asText(null));
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("v2/" + projectId + "/" + path))
                .timeout(requestTimeout)
                .header("X-Auth-Token", token)
                .header("X-OpenStack-Manila-API-Version", MICROVERSION)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiException(0, "the Manila-J API at " + base + " cannot be reached: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted while calling the Manila-J API");
        }
        JsonNode parsed = parse(response.body());
        if (response.statusCode() >= 400) {
            throw new ApiException(response.statusCode(), errorMessage(response.statusCode(), parsed));
        }
        return parsed;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** Manila's error body: {@code {"itemNotFound": {"code": 404, "message": "..."}}}. */
    private static String errorMessage(int status, JsonNode body) {
        Iterator<JsonNode> values = body.elements();
        if (values.hasNext()) {
            JsonNode message = values.next().path("message");
            if (message.isTextual()) {
                return message.asText();
            }
        }
        return "the Manila-J API answered " + status;
    }

    private static ShareInfo share(JsonNode node) {
        Map<String, String> metadata = new LinkedHashMap<>();
        node.path("metadata").fields().forEachRemaining(entry -> metadata.put(entry.getKey(), entry.getValue().asText()));
        return new ShareInfo(node.path("id").asText(), node.path("name").asText(null), node.path("status").asText(),
                node.path("size").asInt(), node.path("availability_zone").asText(null),
                node.path("share_type").asText(null), node.path("share_type_name").asText(null),
                node.path("created_at").asText(""), metadata);
    }

    private static AccessRuleInfo rule(JsonNode node) {
        return new AccessRuleInfo(node.path("id").asText(), node.path("access_type").asText(),
                node.path("access_to").asText(), node.path("access_level").asText(), node.path("state").asText());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
