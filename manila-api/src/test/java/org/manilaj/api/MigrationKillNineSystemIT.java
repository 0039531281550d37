package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar on two local-directory backends, killed with SIGKILL in the middle of a migration's copy
 * and again in the middle of its cut-over: after each restart the migration carries on from its recorded
 * phase, and in the end every file is at the destination, the source copy is gone and each pool's
 * allocation equals the shares it holds. A cancelled migration killed half-way is rolled back the same way.
 */
class MigrationKillNineSystemIT {
    private static final String FIRST = TwoBackendConfig.FIRST;
    private static final String SECOND = TwoBackendConfig.SECOND;

    @Test
    void aMigrationKilledWhileCopyingAndWhileCuttingOverStillFinishesWithEveryFile() throws Exception {
        Path work = Files.createTempDirectory("manila-migration-kill");
        ServiceProcess service = new ServiceProcess(work, TwoBackendConfig.write(work), List.of());
        try {
            service.start();
            ManilaClient client = new ManilaClient(service.port());
            client.ensureDefaultType();
            String id = client.createShare(1);
            assertThat(client.awaitStatus(id, "available")).containsEntry("host", FIRST);
            Path source = work.resolve("var/shares").resolve(id);
            for (int i = 0; i < 24; i++) {
                byte[] chunk = new byte[8 << 20];
                chunk[0] = (byte) i;
                Files.write(source.resolve("part-" + i + ".bin"), chunk);
            }
            Map<String, String> expected = checksums(source);

            assertThat(client.post("/v2/shares/" + id + "/action", start()).status()).isEqualTo(202);
            awaitCopying(client, id);
            service.kill();
            service.start();
            client = new ManilaClient(service.port());
            assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("status", "migrating");
            awaitTaskState(client, id, "migration_driver_phase1_done");

            assertThat(client.post("/v2/shares/" + id + "/action", "{\"migration_complete\": null}").status()).isEqualTo(202);
            service.kill();
            service.start();
            client = new ManilaClient(service.port());
            awaitTaskState(client, id, "migration_success");
            assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("status", "available")
                    .containsEntry("host", SECOND);
            assertThat(checksums(work.resolve("var/second").resolve(id))).isEqualTo(expected);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Files.exists(source) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(source).doesNotExist();
            assertThat(allocated(client, FIRST)).isZero();
            assertThat(allocated(client, SECOND)).isEqualTo(1);

            // back again, cancelled half-way with a kill in between: rolled back, nothing left on the other side
            assertThat(client.post("/v2/shares/" + id + "/action", start().replace(SECOND, FIRST)).status()).isEqualTo(202);
            awaitCopying(client, id);
            assertThat(client.post("/v2/shares/" + id + "/action", "{\"migration_cancel\": null}").status()).isEqualTo(202);
            service.kill();
            service.start();
            client = new ManilaClient(service.port());
            awaitTaskState(client, id, "migration_cancelled");
            assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("status", "available")
                    .containsEntry("host", SECOND);
            assertThat(work.resolve("var/shares").resolve(id)).doesNotExist();
            assertThat(allocated(client, FIRST)).isZero();
            assertThat(allocated(client, SECOND)).isEqualTo(1);
            assertThat(checksums(work.resolve("var/second").resolve(id))).isEqualTo(expected);
            client.assertAuditClean();
            assertThat(service.stop()).as("SIGTERM ends the service").isTrue();
        } finally {
            service.close();
        }
    }

    private static String start() {
        return "{\"migration_start\": {\"host\": \"" + SECOND + "\", \"writable\": false, \"preserve_metadata\": false,"
                + " \"nondisruptive\": false, \"preserve_snapshots\": false}}";
    }

    /** Waits until the first copy pass has begun (bytes are moving), so that the kill lands mid-copy. */
    private static void awaitCopying(ManilaClient client, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Object task = client.get("/v2/shares/" + id).object("share").get("task_state");
            if ("migration_driver_in_progress".equals(task) || "migration_driver_phase1_done".equals(task)) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the migration of " + id + " did not start copying");
    }

    private static void awaitTaskState(ManilaClient client, String id, String taskState) {
        MigrationChecks.awaitTaskState(client, id, taskState, Duration.ofSeconds(120));
    }

    private static long allocated(ManilaClient client, String pool) {
        return MigrationChecks.allocated(client, pool);
    }

    private static Map<String, String> checksums(Path root) throws Exception {
        return MigrationChecks.checksums(root);
    }
}
