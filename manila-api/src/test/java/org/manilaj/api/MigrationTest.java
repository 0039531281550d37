package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Share migration between two local-directory backends (the file-level engine), over the REST API. */
@ExtendWith(DropwizardExtensionsSupport.class)
class MigrationTest {
    private static final Path VAR = TestPaths.tempDirectory("manila-migration");
    private static final Path FIRST = VAR.resolve("first");
    private static final Path SECOND = VAR.resolve("second");
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-migration.yml"),
            ConfigOverride.config("database.url", "jdbc:h2:file:" + VAR.resolve("db/manila")),
            ConfigOverride.config("backends[0].storage_root", FIRST.toString()),
            ConfigOverride.config("backends[1].storage_root", SECOND.toString()));
    private static final String TO_SECOND = "manila@second#pool0";

    private ManilaClient client;

    private Map<String, Object> awaitTaskState(String id, String taskState) {
        return MigrationChecks.awaitTaskState(client, id, taskState, Duration.ofSeconds(60));
    }

    private long allocated(String pool) {
        return MigrationChecks.allocated(client, pool);
    }

    private static Map<String, String> checksums(Path root) throws Exception {
        return MigrationChecks.checksums(root);
    }

    @BeforeEach
    void setUp() {
        client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
    }

    private String availableShareOnFirst() {
        String id = client.createShare(1);
        assertThat(client.awaitStatus(id, "available")).containsEntry("host", "manila@first#pool0");
        return id;
    }

    private ManilaClient.Reply action(String id, String body) {
        return client.post("/v2/shares/" + id + "/action", body);
    }

    private static String start(String host) {
        // writable false: these backends (export: none) cannot stop writers for the cut-over
        return "{\"migration_start\": {\"host\": \"" + host + "\", \"writable\": false, \"preserve_metadata\": false,"
                + " \"nondisruptive\": false, \"preserve_snapshots\": false}}";
    }

    @Test
    void aTreeMovesToTheOtherBackendWithEveryFileWrittenDuringPhaseOne() throws Exception {
        String id = availableShareOnFirst();
        Path source = FIRST.resolve(id);
        fillTree(source);
        assertThat(action(id, "{\"allow_access\": {\"access_type\": \"ip\", \"access_to\": \"10.0.0.7\", \"access_level\": \"rw\"}}")
                .status()).isEqualTo(200);
        awaitAccessActive(id);

        long firstBefore = allocated("manila@first#pool0");
        long secondBefore = allocated(TO_SECOND);
        assertThat(action(id, start(TO_SECOND)).status()).isEqualTo(202);
        Map<String, Object> migrating = client.get("/v2/shares/" + id).object("share");
        assertThat(migrating.get("status")).isEqualTo("migrating");
        awaitTaskState(id, "migration_driver_phase1_done");
        ManilaClient.Reply progress = action(id, "{\"migration_get_progress\": null}");
        assertThat(progress.status()).isEqualTo(200);
        assertThat(progress.body()).containsEntry("total_progress", 100).containsEntry("task_state", "migration_driver_phase1_done");
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) progress.body().get("details");
        assertThat(details).containsEntry("engine", "file_copy").containsKey("bytes_copied").containsKey("pass");
        assertThat(((Number) details.get("bytes_total")).longValue()).isGreaterThanOrEqualTo(24L << 20);

        // written on the host during phase 1 (no client is stopped here): these reach the destination only with
        // the final pass
        Files.writeString(source.resolve("written-during-phase-1.txt"), "late but kept");
        // rewritten at the same size within the same second as before: size and mtime alone would miss it
        Path rewritten = source.resolve("dir-1/file-1.txt");
        FileTime sameSecond = Files.getLastModifiedTime(rewritten);
        Files.writeString(rewritten, Files.readString(rewritten).toUpperCase(java.util.Locale.ROOT));
        Files.setLastModifiedTime(rewritten, sameSecond);
        Files.delete(source.resolve("dir-0/file-0.txt"));
        // a chmod changes neither size nor modification time: a copy trusted by those two would keep the old mode
        Files.setPosixFilePermissions(source.resolve("old.txt"), PosixFilePermissions.fromString("rw-r-----"));
        Map<String, String> expected = checksums(source);

        assertThat(action(id, "{\"migration_complete\": null}").status()).isEqualTo(202);
        Map<String, Object> moved = awaitTaskState(id, "migration_success");
        assertThat(moved).containsEntry("status", "available").containsEntry("host", TO_SECOND);
        Path destination = SECOND.resolve(id);
        assertThat(checksums(destination)).isEqualTo(expected);
        assertThat(Files.readSymbolicLink(destination.resolve("link-to-big"))).isEqualTo(Path.of("big.bin"));
        assertThat(destination.resolve("empty/deeper")).isEmptyDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(destination.resolve("script.sh")))).isEqualTo("rwxr-x---");
        assertThat(Files.getLastModifiedTime(destination.resolve("old.txt"))).isEqualTo(FileTime.fromMillis(1_000_000_000_000L));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(destination.resolve("old.txt"))))
                .isEqualTo("rw-r-----");
        assertThat(client.get("/v2/shares/" + id + "/export_locations").list("export_locations"))
                .singleElement().satisfies(location -> assertThat(location).containsEntry("path", "127.0.0.1:" + destination));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Files.exists(source) && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertThat(source).doesNotExist();
        assertThat(client.get("/v2/share-access-rules?share_id=" + id).list("access_list")).singleElement()
                .satisfies(rule -> assertThat(rule).containsEntry("access_to", "10.0.0.7").containsEntry("state", "active"));
        assertThat(allocated("manila@first#pool0")).isEqualTo(firstBefore - 1);
        assertThat(allocated(TO_SECOND)).isEqualTo(secondBefore + 1);
        assertThat(action(id, "{\"migration_get_progress\": null}").body()).containsEntry("total_progress", 100);
    }

    /** Links a tenant planted are copied as links: never followed to read, never followed to delete. */
    @Test
    void symbolicLinksAreCopiedAsLinksAndNeverFollowed() throws Exception {
        // what sits beside the share on the destination (other shares' directories)
        Path neighbour = Files.createDirectories(SECOND.resolve("neighbour"));
        Files.writeString(neighbour.resolve("precious.txt"), "another tenant's data");

        String id = availableShareOnFirst();
        Path source = FIRST.resolve(id);
        Files.createSymbolicLink(source.resolve("up"), Path.of(".."));
        Files.createSymbolicLink(source.resolve("passwd"), Path.of("/etc/passwd"));
        assertThat(action(id, start(TO_SECOND)).status()).isEqualTo(202);
        awaitTaskState(id, "migration_driver_phase1_done");
        Path destination = SECOND.resolve(id);
        assertThat(Files.isSymbolicLink(destination.resolve("passwd"))).isTrue();
        assertThat(Files.readSymbolicLink(destination.resolve("up"))).isEqualTo(Path.of(".."));
        // the tenant removes its link: the last pass removes the copy of the link, not what it points to
        Files.delete(source.resolve("up"));
        assertThat(action(id, "{\"migration_complete\": null}").status()).isEqualTo(202);
        awaitTaskState(id, "migration_success");
        assertThat(destination.resolve("up")).doesNotExist();
        assertThat(neighbour.resolve("precious.txt")).hasContent("another tenant's data");
        assertThat(Files.isSymbolicLink(destination.resolve("passwd"))).isTrue();
    }

    @Test
    void cancelLeavesTheSourceAsItWasAndNothingOnTheDestination() throws Exception {
        String id = availableShareOnFirst();
        Files.writeString(FIRST.resolve(id).resolve("data.txt"), "stays here");
        long before = allocated(TO_SECOND);
        assertThat(action(id, start(TO_SECOND)).status()).isEqualTo(202);
        assertThat(allocated(TO_SECOND)).isEqualTo(before + 1); // held on the destination from the start
        awaitTaskState(id, "migration_driver_phase1_done");
        assertThat(SECOND.resolve(id).resolve("data.txt")).hasContent("stays here");
        // an admin's reset or force delete would leave the destination's copy behind: refused meanwhile
        assertThat(action(id, "{\"reset_status\": {\"status\": \"error\"}}").status()).isEqualTo(409);
        assertThat(action(id, "{\"force_delete\": null}").status()).isEqualTo(409);

        assertThat(action(id, "{\"migration_cancel\": null}").status()).isEqualTo(202);
        Map<String, Object> share = awaitTaskState(id, "migration_cancelled");
        assertThat(share).containsEntry("status", "available").containsEntry("host", "manila@first#pool0");
        assertThat(SECOND.resolve(id)).doesNotExist();
        assertThat(FIRST.resolve(id).resolve("data.txt")).hasContent("stays here");
        assertThat(allocated(TO_SECOND)).isEqualTo(before);
        Files.writeString(FIRST.resolve(id).resolve("after.txt"), "writable again");
    }

    @Test
    void requestsThatCannotBeHonouredAreRefusedBeforeAnythingStarts() {
        String id = availableShareOnFirst();
        assertFault(action(id, "{\"migration_start\": {\"writable\": true, \"preserve_metadata\": false,"
                + " \"nondisruptive\": false, \"preserve_snapshots\": false}}"), "Must specify 'host'");
        assertFault(action(id, "{\"migration_start\": {\"host\": \"" + TO_SECOND + "\", \"preserve_metadata\": false,"
                + " \"nondisruptive\": false, \"preserve_snapshots\": false}}"), "Must specify 'writable'");
        assertFault(action(id, start("manila@nowhere#pool0")), "not a configured pool");
        assertFault(action(id, start("manila@first#pool0")), "current host");
        assertFault(action(id, start("manila@first#pool1")), "own backend");
        assertFault(action(id, start(TO_SECOND).replace("\"writable\": false", "\"writable\": true")),
                "writable cannot be honoured");
        assertFault(action(id, start(TO_SECOND).replace("\"preserve_metadata\": false", "\"preserve_metadata\": true")),
                "preserve_metadata cannot be honoured");
        assertFault(action(id, start(TO_SECOND).replace("\"nondisruptive\": false", "\"nondisruptive\": true")),
                "nondisruptive cannot be honoured");
        assertFault(action(id, start(TO_SECOND).replace("\"preserve_snapshots\": false", "\"preserve_snapshots\": true")),
                "preserve_snapshots cannot be honoured");
        assertFault(action(id, start(TO_SECOND).replace("}}", ", \"new_share_type_id\": \"no-such-type\"}}")),
                "could not be found");
        assertFault(action(id, "{\"migration_complete\": null}"), "not being migrated");
        assertFault(action(id, "{\"migration_cancel\": null}"), "not being migrated");
        assertFault(action(id, "{\"migration_get_progress\": null}"), "not being migrated");
        assertFault(action(id, "{\"reset_task_state\": {\"task_state\": \"flying\"}}"), "Invalid task state");
        assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("status", "available")
                .containsEntry("task_state", null);
        assertThat(action(id, "{\"reset_task_state\": {\"task_state\": \"migration_error\"}}").status()).isEqualTo(202);
        assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("task_state", "migration_error");
        assertThat(client.withHeader("X-OpenStack-Manila-API-Version", "2.21").post("/v2/shares/" + id + "/action",
                start(TO_SECOND)).status()).isEqualTo(404);
    }

    @Test
    void aShareTheDestinationCannotHoldOrThatIsNotAvailableIsRefused() {
        // 60 GiB: first#pool0 holds 100, second#pool0 only 50
        String big = client.createShare(60);
        assertThat(client.awaitStatus(big, "available")).containsEntry("host", "manila@first#pool0");
        long held = allocated(TO_SECOND);
        assertFault(action(big, start(TO_SECOND)), "Destination host " + TO_SECOND
                + " did not pass the capacity and capabilities filters for a 60 GiB share of this share type.");
        assertThat(allocated(TO_SECOND)).as("nothing reserved").isEqualTo(held);
        assertThat(client.delete("/v2/shares/" + big).status()).isEqualTo(202); // the other tests place on first#pool0
        client.awaitStatus(big, "gone");

        String id = availableShareOnFirst();
        assertThat(client.post("/v2/types", "{\"share_type\": {\"name\": \"gold-only\", \"extra_specs\":"
                + " {\"driver_handles_share_servers\": \"false\", \"tier\": \"gold\"}}}").status()).isEqualTo(200);
        assertFault(action(id, start(TO_SECOND).replace("}}", ", \"new_share_type_id\": \"gold-only\"}}")),
                "did not pass the capacity and capabilities filters for a 1 GiB share of this share type.");

        assertThat(action(id, "{\"reset_status\": {\"status\": \"error\"}}").status()).isEqualTo(202);
        assertFault(action(id, start(TO_SECOND)), "Share " + id + " status must be available, but current status is: error.");
        assertThat(client.get("/v2/shares/" + id).object("share")).containsEntry("task_state", null)
                .containsEntry("host", "manila@first#pool0");
        assertThat(SECOND.resolve(id)).doesNotExist();
    }

    private void assertFault(ManilaClient.Reply reply, String message) {
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(400);
        assertThat(reply.raw().body()).contains(message);
    }

    private void awaitAccessActive(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> rules = client.get("/v2/share-access-rules?share_id=" + id).list("access_list");
            if (!rules.isEmpty() && rules.stream().allMatch(rule -> "active".equals(rule.get("state")))) {
                return;
            }
            sleep(20);
        }
        throw new AssertionError("access rules of " + id + " did not become active");
    }

    /** Many small files in nested directories, empty directories, a symbolic link, modes, an old mtime, 24 MiB. */
    private static void fillTree(Path root) throws IOException {
        for (int d = 0; d < 10; d++) {
            Path dir = Files.createDirectories(root.resolve("dir-" + d));
            for (int f = 0; f < 30; f++) {
                Files.writeString(dir.resolve("file-" + f + ".txt"), "content " + d + "/" + f + "\n".repeat(f));
            }
        }
        Files.createDirectories(root.resolve("empty/deeper"));
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(root.resolve("big.bin"))) {
            for (int i = 0; i < 24; i++) {
                block[0] = (byte) i;
                out.write(block);
            }
        }
        Files.createSymbolicLink(root.resolve("link-to-big"), Path.of("big.bin"));
        Path script = Files.writeString(root.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Path old = Files.writeString(root.resolve("old.txt"), "from 2001");
        Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000_000_000L));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
