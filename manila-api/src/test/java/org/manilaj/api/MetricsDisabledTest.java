package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code metrics_enabled: false}: requests, operations and job runs go unmeasured; the database's figures are still served. */
@ExtendWith(DropwizardExtensionsSupport.class)
class MetricsDisabledTest {
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:mem:metrics-off-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"),
            ConfigOverride.config("backends[0].storage_root", TestPaths.tempDirectory("manila-metrics-off").toString()),
            ConfigOverride.config("metrics_enabled", "false"));

    @Test
    void nothingIsMeasuredButTheDatabasesFiguresAreServed() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        client.awaitStatus(client.createShare(1), "available");

        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + APP.getAdminPort() + "/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(scrape).contains("manila_shares{status=\"available\"} 1")
                .doesNotContain("manila_http_request_seconds_count", "manila_operation_seconds_count", "manila_job_runs_total{");
    }
}
