package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stopping and starting the service on the same ./var keeps every share and type. */
class RestartTest {

    private static DropwizardTestSupport<ManilaConfiguration> app(Path var) {
        return new DropwizardTestSupport<>(ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
                ConfigOverride.config("database.url", "jdbc:h2:file:" + var.resolve("db/manila")),
                ConfigOverride.config("backends[0].storage_root", var.resolve("shares").toString()));
    }

    @Test
    void aRestartKeepsEveryShare() throws Exception {
        Path var = TestPaths.tempDirectory("manila-restart");
        DropwizardTestSupport<ManilaConfiguration> first = app(var);
        first.before();
        String id;
        try {
            ManilaClient client = new ManilaClient(first.getLocalPort());
            client.ensureDefaultType();
            id = client.createShare(1);
            client.awaitStatus(id, "available");
        } finally {
            first.after();
        }

        DropwizardTestSupport<ManilaConfiguration> second = app(var);
        second.before();
        try {
            ManilaClient client = new ManilaClient(second.getLocalPort());
            Map<String, Object> share = client.get("/v2/shares/" + id).object("share");
            assertThat(share).containsEntry("status", "available").containsEntry("host", "manila@local#pool0");
            assertThat(client.get("/v2/shares/" + id + "/export_locations").list("export_locations")).hasSize(1);
            assertThat(var.resolve("shares").resolve(id)).isDirectory();
            assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
            client.awaitStatus(id, "gone");
        } finally {
            second.after();
        }
    }
}
