package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpenStack's own {@code manila} command-line client (Debian's python3-manilaclient 4.1.1) against the
 * packaged service jar, unmodified, in noauth and in token mode.
 */
class ManilaCliSystemIT {
    private static final String PROJECT = "9f3c6a1e2b7d4c58a0e1f2d3c4b5a697";
    private static final Path JAR = Path.of("target/manila-api.jar").toAbsolutePath();

    @TempDir
    Path work;
    /** Two local backends, so that shares can be migrated. */
    private Path config;
    private final List<String> overrides = new ArrayList<>();

    private record Run(int exitCode, String output) {
    }

    private Run java(String... arguments) throws Exception {
        List<String> argv = new ArrayList<>(List.of("java"));
        argv.addAll(overrides);
        argv.addAll(List.of("-jar", JAR.toString()));
        argv.addAll(List.of(arguments));
        return run(argv, 120);
    }

    private Run run(List<String> argv, int seconds) throws Exception {
        Process process = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    @ParameterizedTest
    @ValueSource(strings = {"noauth", "token"})
    void theManilaClientRunsUnmodifiedAgainstTheService(String mode) throws Exception {
        int port = ServiceProcess.freePort();
        overrides.addAll(List.of("-Ddw.server.applicationConnectors[0].port=" + port,
                "-Ddw.server.adminConnectors[0].port=" + ServiceProcess.freePort(), "-Ddw.auth.mode=" + mode));
        config = TwoBackendConfig.write(work);
        String token = "admin:" + PROJECT;
        if (mode.equals("token")) {
            Run created = java("token-create", "--project", PROJECT, "--role", "admin", config.toString());
            assertThat(created.exitCode()).as(created.output()).isZero();
            String[] lines = created.output().strip().split("\n");
            token = lines[lines.length - 1].trim();
            assertThat(token).startsWith("mj-");
            Run listed = java("token-list", config.toString());
            assertThat(listed.output()).contains(PROJECT).doesNotContain(token);
        }
        List<String> server = new ArrayList<>(List.of("java"));
        server.addAll(overrides);
        server.addAll(List.of("-jar", JAR.toString(), "server", config.toString()));
        Process service = new ProcessBuilder(server).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("server.log").toFile()).start();
        try {
            ManilaClient http = new ManilaClient(port).withHeader("X-Auth-Token", token);
            awaitUp(http);
            Cli cli = new Cli(port, token);
            cli.ok("type-create", "default", "false").contains("driver_handles_share_servers : False");
            cli.ok("type-list").contains("default");
            String other = "0123456789abcdef0123456789abcdef";
            cli.ok("type-create", "gold", "false", "--is_public", "false").contains("gold");
            cli.ok("type-access-add", "gold", other);
            cli.ok("type-access-list", "gold").contains(other);
            cli.ok("type-access-remove", "gold", other);
            cli.ok("type-access-list", "gold").doesNotContain(other);
            cli.ok("type-delete", "gold");
            String created = cli.ok("create", "NFS", "1", "--name", "x").contains("creating").output();
            String id = field(created, "id");
            http.awaitStatus(id, "available");
            cli.ok("list").contains(id, "available", "manila@local#pool0");
            cli.ok("show", "x").contains(id, "export_locations", "path = 127.0.0.1:");
            cli.ok("extend", "x", "2");
            assertThat(http.awaitStatus(id, "available")).containsEntry("size", 2);
            cli.ok("shrink", "x", "1");
            assertThat(http.awaitStatus(id, "available")).containsEntry("size", 1);
            String rule = field(cli.ok("access-allow", "x", "ip", "127.0.0.1").contains("127.0.0.1").output(), "id");
            cli.ok("access-list", "x").contains(rule, "127.0.0.1");
            cli.ok("access-deny", "x", rule);
            cli.ok("quota-show", "--tenant", PROJECT).contains("shares", "gigabytes");
            cli.ok("pool-list").contains("manila@local#pool0", TwoBackendConfig.SECOND);
            cli.ok("service-list").contains("manila-share", "manila@local", "manila@second", "enabled", "up");
            cli.ok("service-disable", "manila@second", "manila-share").contains("manila@second", "False");
            cli.ok("service-list", "--status", "disabled").contains("manila@second").doesNotContain("manila@local");
            cli.ok("service-enable", "manila@second", "manila-share").contains("manila@second", "True");

            String[] guarantees = {"--writable", "False", "--preserve-metadata", "False", "--preserve-snapshots", "False",
                "--nondisruptive", "False"};
            cli.ok(concat(new String[] {"migration-start", "x", TwoBackendConfig.SECOND}, guarantees));
            awaitTaskState(http, id, "migration_driver_phase1_done");
            cli.ok("migration-get-progress", "x").contains("100");
            cli.ok("migration-complete", "x");
            awaitTaskState(http, id, "migration_success");
            cli.ok("show", "x").contains(TwoBackendConfig.SECOND, "migration_success");
            cli.ok(concat(new String[] {"migration-start", "x", TwoBackendConfig.FIRST}, guarantees));
            awaitTaskState(http, id, "migration_driver_phase1_done");
            cli.ok("migration-cancel", "x");
            awaitTaskState(http, id, "migration_cancelled");
            cli.ok("show", "x").contains(TwoBackendConfig.SECOND, "migration_cancelled");
            cli.ok("reset-task-state", "x", "--task-state", "migration_error");
            assertThat(http.get("/v2/shares/" + id).object("share")).containsEntry("task_state", "migration_error");
            cli.ok("delete", "x");
            http.awaitStatus(id, "gone");
            cli.ok("list").doesNotContain(id);

            cli.ok("type-create", "replicated", "false", "--extra-specs", "replication_type=readable")
                    .contains("replication_type : readable");
            String replicated = field(cli.ok("create", "NFS", "1", "--name", "r", "--share-type", "replicated").output(), "id");
            http.awaitStatus(replicated, "available");
            cli.ok("share-replica-list", "--share-id", "r").contains("active");
            String activeReplica = (String) http.get("/v2/share-replicas/detail?share_id=" + replicated)
                    .list("share_replicas").get(0).get("id");
            String replica = field(cli.ok("share-replica-create", "r").contains("creating").output(), "id");
            awaitReplicaState(http, replica, "in_sync");
            cli.ok("share-replica-list", "--share-id", "r").contains(replica, activeReplica, "in_sync", "active");
            cli.ok("share-replica-show", replica).contains("in_sync", TwoBackendConfig.SECOND);
            cli.ok("share-replica-export-location-list", replica).contains("127.0.0.1:");
            cli.ok("share-replica-resync", replica);
            cli.ok("share-replica-promote", replica);
            awaitReplicaState(http, replica, "active");
            http.awaitStatus(replicated, "available");
            cli.ok("show", "r").contains(TwoBackendConfig.SECOND, "has_replicas", "readable");
            cli.ok("share-replica-delete", activeReplica);
            awaitReplicaGone(http, activeReplica);
            cli.ok("delete", "r");
            http.awaitStatus(replicated, "gone");
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly(); // never leave a service behind (a hung shutdown did, for half an hour)
            }
        }
    }

    private static void awaitReplicaState(ManilaClient http, String replica, String state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (state.equals(http.get("/v2/share-replicas/" + replica).object("share_replica").get("replica_state"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("replica " + replica + " did not become " + state);
    }

    private static void awaitReplicaGone(ManilaClient http, String replica) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (http.get("/v2/share-replicas/" + replica).status() != 404) {
            assertThat(System.nanoTime()).as("replica " + replica + " deleted").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private static void awaitTaskState(ManilaClient http, String id, String taskState) throws InterruptedException {
        for (int attempt = 0; attempt < 1200; attempt++) {
            Object task = http.get("/v2/shares/" + id).object("share").get("task_state");
            if (taskState.equals(task)) {
                return;
            }
            assertThat(task).isNotEqualTo("migration_error");
            Thread.sleep(50);
        }
        throw new AssertionError("task_state of " + id + " never became " + taskState);
    }

    private static String field(String table, String name) {
        Matcher matcher = Pattern.compile("\\|\\s*" + name + "\\s*\\|\\s*([^|\\s]+)\\s*\\|").matcher(table);
        assertThat(matcher.find()).as(table).isTrue();
        return matcher.group(1);
    }

    private static void awaitUp(ManilaClient http) throws InterruptedException {
        for (int attempt = 0; attempt < 300; attempt++) {
            try {
                if (http.get("/").status() == 300) {
                    return;
                }
            } catch (RuntimeException starting) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the service did not start");
    }

    /** The {@code manila} client, as the samples run it: bypass URL with the project, a token, microversion 2.65. */
    private final class Cli {
        private final List<String> prefix;

        Cli(int port, String token) {
            prefix = List.of("manila", "--bypass-url", "http://127.0.0.1:" + port + "/v2/" + PROJECT, "--os-token", token,
                    "--os-share-api-version", "2.65");
        }

        Checked ok(String... command) throws Exception {
            List<String> argv = new ArrayList<>(prefix);
            argv.addAll(List.of(command));
            Run result = run(argv, 60);
            assertThat(result.exitCode()).as(String.join(" ", command) + ":\n" + result.output()).isZero();
            return new Checked(result.output());
        }
    }

    private record Checked(String output) {
        Checked contains(String... texts) {
            assertThat(output).contains(texts);
            return this;
        }

        Checked doesNotContain(String text) {
            assertThat(output).doesNotContain(text);
            return this;
        }
    }
}
