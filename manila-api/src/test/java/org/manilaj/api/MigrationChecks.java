package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What the migration tests wait for and check: task states, pool allocations, file checksums. */
final class MigrationChecks {
    private MigrationChecks() {
    }

    /** Waits for the share's task_state; a migration_error on the way fails at once. */
    static Map<String, Object> awaitTaskState(ManilaClient client, String id, String taskState, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> share = Map.of();
        while (System.nanoTime() < deadline) {
            share = client.get("/v2/shares/" + id).object("share");
            if (taskState.equals(share.get("task_state"))) {
                return share;
            }
            assertThat(share.get("task_state")).as("no failure while waiting for " + taskState).isNotEqualTo("migration_error");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("task_state of " + id + " stayed " + share.get("task_state") + ", not " + taskState);
    }

    /** The pool's {@code allocated_capacity_gb}, as the scheduler stats report it. */
    static long allocated(ManilaClient client, String pool) {
        return client.get("/v2/scheduler-stats/pools/detail").list("pools").stream()
                .filter(entry -> pool.equals(entry.get("name")))
                .map(entry -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> capabilities = (Map<String, Object>) entry.get("capabilities");
                    return ((Number) capabilities.get("allocated_capacity_gb")).longValue();
                })
                .findFirst().orElseThrow();
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(), digest));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of every regular file below {@code root}, by relative path (links are not followed). */
    static Map<String, String> checksums(Path root) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).toList()) {
                sums.put(root.relativize(file).toString(), sha256(file));
            }
        }
        return sums;
    }
}
