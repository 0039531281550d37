package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One worker thread, a queue of two, and no periodic reconcile in the test's lifetime: fifty creates
 * at once overflow the queue, and every share still ends available.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class WorkBacklogTest {
    private static final Path SHARES = TestPaths.tempDirectory("manila-backlog");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:mem:backlog;DB_CLOSE_DELAY=-1"),
            ConfigOverride.config("work.worker_threads", "1"),
            ConfigOverride.config("work.queue_capacity", "2"),
            ConfigOverride.config("work.reconcile_interval", "1h"),
            ConfigOverride.config("backends[0].storage_root", SHARES.toString()));

    @Test
    void aFullWorkQueueLosesNoShare() {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(client.createShare(1));
        }
        for (String id : ids) {
            assertThat(client.awaitStatus(id, "available")).containsEntry("id", id);
            assertThat(SHARES.resolve(id)).isDirectory();
        }
    }
}
