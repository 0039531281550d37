package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ResourceHelpers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.manilaj.driver.linux.TestLab;

/**
 * The packaged jar against the lab's two storage hosts, killed with SIGKILL while a snapshot stream is half
 * through: after the restart the cut-short pass is redone from its start (the half-received snapshot is not
 * trusted), the migration completes, every byte matches, and neither host keeps a snapshot or a copy.
 */
class MigrationLabKillNineSystemIT {

    @Test
    void aMigrationKilledMidStreamIsRedoneAndStillFinishesWithEveryByte() throws Exception {
        Path work = Files.createTempDirectory("manila-lab-migration-kill");
        ServiceProcess service = new ServiceProcess(work, config(work), List.of());
        try {
            service.start();
            ManilaClient client = new ManilaClient(service.port());
            client.ensureDefaultType();
            String id = client.createShare(1);
            Map<String, Object> created = client.awaitStatus(id, "available");
            int from = created.get("host").toString().contains("@lab1#") ? 1 : 2;
            int to = 3 - from;
            String directory = TestLab.storageRoot(from) + "/" + id;
            assertThat(TestLab.onHost(from, List.of("sh", "-c", "head -c 402653184 /dev/urandom > \"$1/big.bin\""
                    + " && mkdir \"$1/tree\" && for i in 1 2 3 4 5 6 7 8; do echo \"$i\" > \"$1/tree/f$i\"; done",
                    "sh", directory)).succeeded()).isTrue();
            String expected = checksums(from, directory);

            assertThat(client.post("/v2/shares/" + id + "/action", "{\"migration_start\": {\"host\": \"manila@lab" + to
                    + "#pool0\", \"writable\": true, \"preserve_metadata\": true, \"nondisruptive\": false,"
                    + " \"preserve_snapshots\": false}}").status()).isEqualTo(202);
            awaitBytesMoving(client, id);
            service.kill();
            service.start();
            client = new ManilaClient(service.port());
            assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("status", "migrating");
            MigrationChecks.awaitTaskState(client, id, "migration_driver_phase1_done", Duration.ofSeconds(180));
            assertThat(client.post("/v2/shares/" + id + "/action", "{\"migration_complete\": null}").status()).isEqualTo(202);
            Map<String, Object> share = MigrationChecks.awaitTaskState(client, id, "migration_success", Duration.ofSeconds(180));
            assertThat(share).containsEntry("status", "available").containsEntry("host", "manila@lab" + to + "#pool0");
            assertThat(checksums(to, TestLab.storageRoot(to) + "/" + id)).isEqualTo(expected);
            MigrationLabSystemIT.awaitNothingLeft(from, id, true);
            MigrationLabSystemIT.awaitNothingLeft(to, id, false);
            assertThat(MigrationChecks.allocated(client, "manila@lab" + from + "#pool0")).isZero();

            assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
            client.awaitStatus(id, "gone");
            MigrationLabSystemIT.awaitNothingLeft(to, id, true);
            // the jobs still run when the service is told to stop: it ends, without waiting for a closed database
            assertThat(service.stop()).as("SIGTERM ends the service").isTrue();
        } finally {
            service.close();
        }
    }

    /** The lab's configuration for the jar: its database in a file (it must outlive the kill), keys filled in. */
    private static Path config(Path work) throws Exception {
        String lab = Files.readString(Path.of(ResourceHelpers.resourceFilePath("test-lab.yml")))
                .replace("url: jdbc:h2:mem:lab;DB_CLOSE_DELAY=-1", "url: jdbc:h2:file:./var/db/manila;WRITE_DELAY=0")
                .replace("private_key_file: /overridden", "private_key_file: " + TestLab.privateKey())
                .replace("known_hosts_file: /overridden", "known_hosts_file: " + TestLab.knownHosts())
                .replace("logging:", "work:\n  reconcile_interval: 2s\nlogging:");
        assertThat(lab).contains("jdbc:h2:file:").doesNotContain("/overridden");
        return Files.writeString(work.resolve("manila-lab.yml"), lab);
    }

    /** Waits until a pass has recorded bytes moved, so that the kill lands in the middle of the stream. */
    private static void awaitBytesMoving(ManilaClient client, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> progress = client.post("/v2/shares/" + id + "/action", "{\"migration_get_progress\": null}").body();
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) progress.get("details");
            if (details != null && ((Number) details.getOrDefault("bytes_copied", 0)).longValue() > 0) {
                assertThat(progress.get("total_progress")).as("killed mid-stream, not after it").isNotEqualTo(100);
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the migration of " + id + " moved no bytes");
    }

    private static String checksums(int host, String directory) {
        return TestLab.onHost(host, List.of("sh", "-c", "cd \"$1\" && find . -type f -exec sha256sum {} + | sort", "sh",
                directory)).orThrow("host " + host).stdout();
    }
}
