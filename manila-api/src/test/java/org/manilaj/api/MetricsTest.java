package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A scrape of the admin port after a known sequence of operations, parsed as Prometheus text (every sample line
 * must parse): requests by route and status, operations' timings, events by type, shares by status, the pool's
 * gauges, Dropwizard's own metrics through the bridge; every metric the Grafana dashboard uses; and the backend's
 * health check.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class MetricsTest {
    private static final Path STORAGE = TestPaths.tempDirectory("manila-metrics");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:mem:metrics-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"),
            ConfigOverride.config("backends[0].storage_root", STORAGE.resolve("shares").toString()),
            ConfigOverride.config("backends[0].pools[0].total_capacity_gb", "100"));

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( \\d+)?");

    /**
     * Every sample by its name and labels as printed, e.g. {@code manila_shares{status="available"}}, and every
     * declared metric as {@code # TYPE name}.
     */
    private static Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + APP.getAdminPort() + "/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                samples.put("# TYPE " + line.split(" ")[2], 0.0); // declared, with or without samples
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("a Prometheus sample line: " + line).isTrue();
            samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)), Double.parseDouble(sample.group(4)));
        }
        return samples;
    }

    @Test
    void aScrapeShowsWhatHappened() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        String kept = client.createShare(3);
        String gone = client.createShare(2);
        client.awaitStatus(kept, "available");
        client.awaitStatus(gone, "available");
        assertThat(client.delete("/v2/shares/" + gone).status()).isEqualTo(202);
        client.awaitStatus(gone, "gone");
        for (int i = 0; i < 3; i++) {
            assertThat(client.get("/v2/shares/" + kept).status()).isEqualTo(200);
        }
        assertThat(client.get("/v2/shares/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);

        Map<String, Double> samples = scrape();
        assertThat(samples.get("manila_shares{status=\"available\"}")).isEqualTo(1.0);
        assertThat(samples.get("manila_events_total{type=\"share.create.end\"}")).isEqualTo(2.0);
        assertThat(samples.get("manila_events_total{type=\"share.delete.end\"}")).isEqualTo(1.0);
        assertThat(samples.get("manila_operation_seconds_count{type=\"create\"}")).isEqualTo(2.0);
        assertThat(samples.get("manila_operation_seconds_count{type=\"delete\"}")).isEqualTo(1.0);
        // each create's run, step by step (the steps add up to its time from request to end)
        for (String step : List.of("handoff", "lease", "placement", "driver", "record", "rest")) {
            assertThat(samples.get("manila_operation_step_seconds_count{step=\"" + step + "\",type=\"create\"}")).as(step)
                    .isEqualTo(2.0);
        }
        assertThat(samples.get("manila_operation_step_seconds_count{step=\"driver\",type=\"delete\"}")).isEqualTo(1.0);
        double steps = List.of("handoff", "lease", "placement", "driver", "record", "rest").stream()
                .mapToDouble(step -> samples.get("manila_operation_step_seconds_sum{step=\"" + step + "\",type=\"create\"}"))
                .sum();
        assertThat(steps).isCloseTo(samples.get("manila_operation_seconds_sum{type=\"create\"}"), within(0.005));
        assertThat(samples.get("manila_http_request_seconds_count{method=\"GET\",route=\"/v2/shares/{shareId}\",status=\"200\"}"))
                .isGreaterThanOrEqualTo(3.0);
        assertThat(samples.get("manila_http_request_seconds_count{method=\"GET\",route=\"/v2/shares/{shareId}\",status=\"404\"}"))
                .isGreaterThanOrEqualTo(1.0);
        String pool = "{backend=\"local\",pool=\"manila@local#pool0\"}";
        assertThat(samples.get("manila_pool_provisioned_gib" + pool)).isEqualTo(3.0);
        assertThat(samples.get("manila_pool_total_gib" + pool)).isEqualTo(100.0);
        assertThat(samples.get("manila_pool_usable" + pool)).isEqualTo(1.0);
        assertThat(samples.get("manila_pool_utilisation_ratio" + pool))
                .isCloseTo(3.0 / (100 * samples.get("manila_pool_overcommit_ratio" + pool)), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(samples.get("manila_migrations_in_flight")).isZero();
        assertThat(samples.get("manila_ssh_sessions_in_use{backend=\"local\"}")).as("a local backend keeps no session").isZero();
        assertThat(samples.get("manila_job_runs_total{job=\"pool-stats-local\",outcome=\"ok\"}"))
                .as("the stats job ran at start-up").isGreaterThanOrEqualTo(1.0);
        assertThat(samples.get("manila_job_seconds_count{job=\"pool-stats-local\"}")).isGreaterThanOrEqualTo(1.0);
        assertThat(samples.keySet()).as("Dropwizard's metrics through the bridge").anyMatch(name -> name.startsWith("org_eclipse_jetty"));

        String dashboard = java.nio.file.Files.readString(Path.of("../deploy/grafana/manila-j-dashboard.json"));
        // metrics with no sample here (no replica, no hook) are not printed: those must be ones the service defines
        String defined = java.nio.file.Files.readString(Path.of("src/main/java/org/manilaj/api/metrics/ServiceMetrics.java"));
        Matcher used = Pattern.compile("manila_[a-z_]+").matcher(dashboard);
        while (used.find()) {
            String name = used.group().replaceAll("_(bucket|count|sum|total)$", "");
            assertThat(samples.containsKey("# TYPE " + name) || samples.containsKey("# TYPE " + used.group())
                    || defined.contains("\"" + name + "\"")).as("the dashboard's " + used.group() + " is exported").isTrue();
        }

        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + APP.getAdminPort() + "/healthcheck")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("\"backend-local\"", "\"healthy\":true");
    }
}
