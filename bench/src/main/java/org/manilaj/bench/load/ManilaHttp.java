package org.manilaj.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executor;

/** The few Manila calls the scenarios make, over one shared {@link HttpClient}. */
final class ManilaHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final LoadOptions options;

    ManilaHttp(LoadOptions options, Executor executor) {
        this.options = options;
        this.http = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(10)).build();
    }

    record Reply(int status, JsonNode body) {
    }

    Reply send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(options.url() + "/v2/" + options.project() + path))
                .timeout(Duration.ofSeconds(60))
                .header("X-Auth-Token", options.token())
                .header("X-OpenStack-Manila-API-Version", "2.65")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = response.body().length == 0 ? null : JSON.readTree(response.body());
        return new Reply(response.statusCode(), json);
    }

    /** Creates a share and returns its id. */
    String create() throws IOException, InterruptedException {
        String type = options.shareType() == null ? "" : ", \"share_type\": \"" + options.shareType() + "\"";
        Reply reply = send("POST", "/shares", "{\"share\": {\"share_proto\": \"NFS\", \"size\": " + options.sizeGib() + type + "}}");
        if (reply.status() != 200) {
            throw new IOException("create answered " + reply.status() + ": " + reply.body());
        }
        return reply.body().path("share").path("id").asText();
    }

    /** The share's status, or "gone" once it is deleted. */
    String status(String id) throws IOException, InterruptedException {
        Reply reply = send("GET", "/shares/" + id, null);
        if (reply.status() == 404) {
            return "gone";
        }
        return reply.body().path("share").path("status").asText();
    }

    void delete(String id) throws IOException, InterruptedException {
        Reply reply = send("DELETE", "/shares/" + id, null);
        if (reply.status() != 202) {
            throw new IOException("delete answered " + reply.status() + ": " + reply.body());
        }
    }

    /**
     * Makes room for {@code shares} shares of {@code gigabytes} in the project's quota (needs an admin
     * token) and returns the body that puts the previous limits back.
     */
    String raiseQuota(int shares, long gigabytes) throws IOException, InterruptedException {
        Reply current = send("GET", "/quota-sets/" + options.project() + "/detail", null);
        if (current.status() != 200) {
            throw new IOException("cannot read the project's quota: " + current.status() + " " + current.body());
        }
        JsonNode quota = current.body().path("quota_set");
        long shareLimit = quota.path("shares").path("limit").asLong();
        long gigabyteLimit = quota.path("gigabytes").path("limit").asLong();
        boolean sharesFit = shareLimit < 0 || quota.path("shares").path("in_use").asLong() + shares <= shareLimit;
        boolean gigabytesFit = gigabyteLimit < 0 || quota.path("gigabytes").path("in_use").asLong() + gigabytes <= gigabyteLimit;
        if (sharesFit && gigabytesFit) {
            return null;
        }
        Reply raised = send("PUT", "/quota-sets/" + options.project(), "{\"quota_set\": {\"shares\": -1, \"gigabytes\": -1}}");
        if (raised.status() != 200) {
            throw new IOException("cannot raise the project's quota (an admin token is needed): " + raised.body());
        }
        return "{\"quota_set\": {\"shares\": " + shareLimit + ", \"gigabytes\": " + gigabyteLimit + "}}";
    }

    void restoreQuota(String body) throws IOException, InterruptedException {
        if (body != null) {
            send("PUT", "/quota-sets/" + options.project(), body);
        }
    }

    void ensureDefaultType() throws IOException, InterruptedException {
        send("POST", "/types", "{\"share_type\": {\"name\": \"default\", \"extra_specs\": {\"driver_handles_share_servers\": false}}}");
    }
}
