package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.manilaj.driver.linux.TestLab;

/**
 * The archive-stream engine between a local-directory backend and a lab storage host over SSH, both ways: a
 * tree with nested and empty directories, a link to a file outside the share, awkward names, modes and a
 * large file arrives byte for byte, links as links (never what they point to); files written and removed
 * during phase 1 are so at the destination; nothing stays on the side the share left.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class MigrationTreeStreamSystemIT {
    private static final Path LOCAL_ROOT = temporaryRoot();
    private static final DropwizardAppExtension<ManilaConfiguration> APP = new DropwizardAppExtension<>(
            ManilaApplication.class, ResourceHelpers.resourceFilePath("test-lab-local.yml"),
            ConfigOverride.config("backends[0].ssh.private_key_file", TestLab.privateKey().toString()),
            ConfigOverride.config("backends[0].ssh.known_hosts_file", TestLab.knownHosts().toString()),
            ConfigOverride.config("backends[1].storage_root", LOCAL_ROOT.toString()),
            ConfigOverride.config("work.reconcile_interval", "2s"));
    private static final String LAB = "manila@lab1#pool0";
    private static final String LOCAL = "manila@local#pool0";

    /** Builds the tree in the share's directory ($1), with the host's own tools. */
    private static final String TREE = String.join("\n",
            "set -e; cd \"$1\"",
            "mkdir -p a/b/c empty 'with space'",
            "head -c 20971520 /dev/urandom > big.bin",
            "for i in 1 2 3 4 5 6 7 8 9; do echo \"small $i\" > a/b/c/f$i; done",
            "printf 'x' > 'with space/new\nline'",
            "echo secret > private && chmod 600 private && chown 4242:4343 private && chmod 750 .",
            "ln -s /etc/passwd passwd-link && ln -s a/b dir-link",
            "echo gone > removed-later");
    /**
     * Changes during phase 1: a new file, a rewritten one, one removed, a file turned into a directory, and a
     * directory renamed (its files keep their old times).
     */
    private static final String CHANGES = String.join("\n",
            "set -e; cd \"$1\"",
            "echo during > a/during.txt",
            "head -c 1048576 /dev/urandom > a/b/c/f1",
            "rm removed-later",
            "rm a/b/c/f2 && mkdir a/b/c/f2 && echo inside > a/b/c/f2/x",
            "mv a/b a/moved");
    /** What must match on both sides: the top's mode, every entry's type, mode, owner and link target, every file's SHA-256. */
    private static final String DESCRIBE = "cd \"$1\" && stat -c 'top %a' . && find . -mindepth 1 -printf '%y %m %U:%G %p -> %l\\n'"
            + " | sort && find . -type f -exec sha256sum {} + | sort";

    @Test
    void aTreeMovesBetweenALocalBackendAndAStorageHostBothWaysWithLinksKeptAsLinks() throws Exception {
        ManilaClient client = new ManilaClient(APP.getLocalPort());
        client.ensureDefaultType();
        String id = client.createShare(1);
        String first = client.awaitStatus(id, "available").get("host").toString();
        String second = first.equals(LAB) ? LOCAL : LAB;
        on(first, id, TREE);

        String expected = migrate(client, id, first, second);
        assertThat(expected).contains("top 750").contains("l 777 0:0 ./passwd-link -> /etc/passwd")
                .contains("f 600 4242:4343 ./private").contains("d 755 0:0 ./a/moved/c/f2").contains("./a/moved/c/f9")
                .doesNotContain("removed-later").doesNotContain("./a/b/");
        assertThat(migrate(client, id, second, first)).isEqualTo(expected);

        assertThat(client.delete("/v2/shares/" + id).status()).isEqualTo(202);
        client.awaitStatus(id, "gone");
    }

    /** Moves the share, changing it during phase 1; returns the destination's description, equal to the source's. */
    private static String migrate(ManilaClient client, String id, String from, String to) throws Exception {
        boolean writable = from.equals(LAB); // the local backend cannot stop writes for the cut-over
        assertThat(client.post("/v2/shares/" + id + "/action", "{\"migration_start\": {\"host\": \"" + to + "\","
                + " \"writable\": " + writable + ", \"preserve_metadata\": false, \"nondisruptive\": false,"
                + " \"preserve_snapshots\": false}}").status()).isEqualTo(202);
        MigrationChecks.awaitTaskState(client, id, "migration_driver_phase1_done", Duration.ofSeconds(120));
        Map<String, Object> progress = client.post("/v2/shares/" + id + "/action", "{\"migration_get_progress\": null}").body();
        assertThat(progress.get("details").toString()).contains("engine=tree_stream");
        if (!on(from, id, "[ -e \"$1/a/during.txt\" ] && echo yes || true").contains("yes")) {
            on(from, id, CHANGES);
        }
        String source = on(from, id, DESCRIBE);
        assertThat(client.post("/v2/shares/" + id + "/action", "{\"migration_complete\": null}").status()).isEqualTo(202);
        Map<String, Object> share = MigrationChecks.awaitTaskState(client, id, "migration_success", Duration.ofSeconds(120));
        assertThat(share).containsEntry("status", "available").containsEntry("host", to);
        assertThat(on(to, id, DESCRIBE)).isEqualTo(source);
        awaitGone(from, id);
        return source;
    }

    private static void awaitGone(String pool, String id) throws InterruptedException {
        for (int attempt = 0; attempt < 300; attempt++) {
            if (on(pool, id, "[ -e \"$1\" ] && echo left || true").isBlank()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("share " + id + " is still on " + pool);
    }

    /** Runs {@code script} with the share's directory as $1 on the host of {@code pool}; its output. */
    private static String on(String pool, String id, String script) {
        if (pool.equals(LAB)) {
            return TestLab.onHost(1, List.of("sh", "-c", script, "sh", TestLab.storageRoot(1) + "/" + id))
                    .orThrow("lab host 1").stdout();
        }
        try {
            Process process = new ProcessBuilder("sh", "-c", script, "sh", LOCAL_ROOT.resolve(id).toString())
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as(out).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path temporaryRoot() {
        try {
            return Files.createTempDirectory("manila-tree-stream");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
