package org.manilaj.driver.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshHostTest {
    @TempDir
    Path directory;
    private InJvmSshServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new InJvmSshServer(directory);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void runsArgvWithEveryArgumentQuoted() {
        Path marker = directory.resolve("marker");
        try (SshHost host = new SshHost(server.settings(server.knownHosts))) {
            CommandResult result = host.run(List.of("printf", "%s|", "a b", "it's", "$(touch " + marker + ")", "; touch " + marker),
                    Duration.ofSeconds(10));
            assertThat(result.exitStatus()).isZero();
            assertThat(result.stdout()).isEqualTo("a b|it's|$(touch " + marker + ")|; touch " + marker + "|");
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void feedsStandardInputToTheCommand() throws Exception {
        Path file = directory.resolve("written");
        try (SshHost host = new SshHost(server.settings(server.knownHosts))) {
            host.run(List.of("tee", file.toString()), "line one\nline two\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Duration.ofSeconds(10)).orThrow(host.describe());
        }
        assertThat(file).hasContent("line one\nline two\n");
        CommandResult local = new LocalHost().run(List.of("cat"), "local".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Duration.ofSeconds(10));
        assertThat(local.stdout()).isEqualTo("local");
    }

    /**
     * Steps run in turn share one exec request: each gets its own result (the one that failed its exit status and
     * error output, without the marker), the last its input, and a failed step stops the ones after it.
     */
    @Test
    void runsStepsInTurnAsOneInvocation() {
        Path first = directory.resolve("first");
        Path second = directory.resolve("second");
        List<CommandResult> seen = new java.util.ArrayList<>();
        java.util.function.Consumer<CommandResult> keep = seen::add;
        try (SshHost host = new SshHost(server.settings(server.knownHosts))) {
            int before = server.received().size();
            host.runInTurn(List.of(new HostStep(List.of("touch", first.toString()), null, keep),
                    new HostStep(List.of("tee", second.toString()), "input\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            keep)), Duration.ofSeconds(10));
            assertThat(server.received()).hasSize(before + 1);
            assertThat(server.received().get(before)).as("one sh -c, whatever the login shell").startsWith("'sh' '-c' ");
            assertThat(first).exists();
            assertThat(second).hasContent("input\n");
            assertThat(seen).extracting(CommandResult::exitStatus).containsExactly(0, 0);
            assertThat(seen.get(1).stdout()).isEqualTo("input\n");

            seen.clear();
            Path third = directory.resolve("third");
            host.runInTurn(List.of(new HostStep(List.of("sh", "-c", "echo no room >&2; exit 28"), null, keep),
                    new HostStep(List.of("touch", third.toString()), null, keep)), Duration.ofSeconds(10));
            assertThat(seen).hasSize(2).extracting(CommandResult::exitStatus).containsExactly(28, 0);
            assertThat(seen.get(0).stderr()).isEqualTo("no room\n");
            assertThat(third).as("the step after a failed one ran only once the failure was accepted").exists();

            java.util.function.Consumer<CommandResult> strict = result -> result.orThrow(host.describe());
            Path fourth = directory.resolve("fourth");
            assertThatThrownBy(() -> host.runInTurn(List.of(new HostStep(List.of("false"), null, strict),
                    new HostStep(List.of("touch", fourth.toString()), null, strict)), Duration.ofSeconds(10)))
                    .isInstanceOf(CommandFailedException.class).hasMessageContaining("false");
            assertThat(fourth).doesNotExist();
        }
    }

    @Test
    void reportsExitStatusAndStandardError() {
        try (SshHost host = new SshHost(server.settings(server.knownHosts))) {
            CommandResult result = host.run(List.of("ls", directory.resolve("missing").toString()), Duration.ofSeconds(10));
            assertThat(result.exitStatus()).isNotZero();
            assertThat(result.stderr()).contains("missing");
            assertThatThrownBy(() -> result.orThrow(host.describe())).isInstanceOf(CommandFailedException.class);
        }
    }

    @Test
    void reusesPooledSessionsAcrossManyParallelCommands() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SshHost host = new SshHost(server.settings(server.knownHosts))) {
            List<Future<CommandResult>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String word = "word" + i;
                results.add(pool.submit(() -> host.run(List.of("echo", word), Duration.ofSeconds(10))));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(results.get(i).get().stdout()).isEqualTo("word" + i + "\n");
            }
            // max_sessions is 2: never more than two authenticated sessions for twenty commands
            assertThat(server.server.getActiveSessions().size()).isLessThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void countsTheSessionsRunningACommand() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Path release = directory.resolve("release");
        try (SshHost host = new SshHost(server.settings(server.knownHosts))) {
            assertThat(host.sessionsInUse()).isZero();
            Future<CommandResult> waiting = pool.submit(() -> host.run(List.of("sh", "-c",
                    "while [ ! -e \"$1\" ]; do sleep 0.05; done", "wait", release.toString()), Duration.ofSeconds(20)));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (host.sessionsInUse() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(host.sessionsInUse()).as("the session running the waiting command").isEqualTo(1);
            Files.createFile(release);
            assertThat(waiting.get().succeeded()).isTrue();
            assertThat(host.sessionsInUse()).as("its session idle again").isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void timesOutACommandThatRunsTooLongAndKillsItWithItsChildren() throws Exception {
        String marker = "29." + (System.nanoTime() % 1_000_000_000L); // a sleep time no other process uses
        try (SshHost host = new SshHost(server.settings(server.knownHosts))) {
            // a shell that starts a child, as the driver's scripts do: both must be gone after the timeout
            assertThatThrownBy(() -> host.run(List.of("sh", "-c", "sleep \"$1\" & wait", "timeout-test", marker), Duration.ofMillis(300)))
                    .isInstanceOf(org.manilaj.driver.TimedOutException.class)
                    .isInstanceOf(org.manilaj.driver.TransientDriverException.class)
                    .hasMessageContaining("timed out");
            // the session that ran it is not reused: whatever hung may have left the connection in any state
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!server.server.getActiveSessions().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(server.server.getActiveSessions()).as("sessions still open after the timeout").isEmpty();
            Thread.sleep(500);
            Process pgrep = new ProcessBuilder("pgrep", "-f", marker).start();
            assertThat(pgrep.waitFor()).as("processes left running: " + new String(pgrep.getInputStream().readAllBytes()))
                    .isEqualTo(1);
            // the host stays usable after a timeout
            assertThat(host.run(List.of("true"), Duration.ofSeconds(10)).succeeded()).isTrue();
        }
    }

    @Test
    void aHostThatRefusesConnectionsIsATransientFailure() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SshSettings settings = server.settings(server.knownHosts);
        SshSettings refusing = new SshSettings(settings.host(), closedPort, settings.user(), settings.privateKeyFile(),
                settings.knownHostsFile(), 2, 5, 1);
        try (SshHost host = new SshHost(refusing)) {
            assertThatThrownBy(() -> host.run(List.of("true"), Duration.ofSeconds(5)))
                    .isInstanceOf(HostUnavailableException.class)
                    .hasMessageContaining("cannot connect");
        }
    }

    @Test
    void underSudoScriptsRunFromTheirInstalledFilesAndEverythingUnderTimeout() {
        SshSettings settings = server.settings(server.knownHosts);
        SshSettings sudo = new SshSettings(settings.host(), settings.port(), "manila", settings.privateKeyFile(),
                settings.knownHostsFile(), 2, 5, 1, true, "/opt/manila-scripts");
        try (SshHost host = new SshHost(sudo)) {
            assertThat(host.remoteArgv(HostScripts.argv(HostScripts.DELETE_SHARE, "/r", "/r/x", "/e/x"), Duration.ofSeconds(60)))
                    .containsExactly("timeout", "-k", "5", "60.000", "sudo", "-n", "/opt/manila-scripts/manila-delete-share",
                            "60.000", "/r", "/r/x", "/e/x");
            assertThat(host.remoteArgv(List.of("btrfs", "qgroup", "show", "/r"), Duration.ofMillis(1500)))
                    .containsExactly("timeout", "-k", "5", "1.500", "sudo", "-n", "btrfs", "qgroup", "show", "/r");
            // an inline script that is not one of the driver's is not given to sudo as a file
            assertThat(host.remoteArgv(List.of("sh", "-c", "id", "whoami"), Duration.ofSeconds(1)))
                    .containsExactly("timeout", "-k", "5", "1.000", "sudo", "-n", "sh", "-c", "id", "whoami");
        }
    }

    @Test
    void refusesAHostWhoseKeyIsNotKnown() throws Exception {
        Path emptyKnownHosts = Files.writeString(directory.resolve("empty_known_hosts"), "");
        try (SshHost host = new SshHost(server.settings(emptyKnownHosts))) {
            assertThatThrownBy(() -> host.run(List.of("true"), Duration.ofSeconds(10)))
                    .isInstanceOf(CommandFailedException.class)
                    .hasMessageContaining("cannot connect")
                    .hasMessageContaining("HOST KEY NOT TRUSTED");
        }
    }

    @Test
    void refusesAHostWhoseKeyChanged() throws Exception {
        // A known_hosts entry for this address and port, but with another server's key.
        Path other = Files.createDirectory(directory.resolve("other"));
        try (InJvmSshServer impostor = new InJvmSshServer(other)) {
            String otherKey = Files.readString(impostor.knownHosts).split(" ", 2)[1];
            Path wrongKnownHosts = Files.writeString(directory.resolve("wrong_known_hosts"),
                    "[127.0.0.1]:" + server.server.getPort() + " " + otherKey);
            try (SshHost host = new SshHost(server.settings(wrongKnownHosts))) {
                // refused for good (never retried), and the log and the health check say which key came and where to look
                assertThatThrownBy(() -> host.run(List.of("true"), Duration.ofSeconds(10)))
                        .isInstanceOf(CommandFailedException.class)
                        .isNotInstanceOf(org.manilaj.driver.TransientDriverException.class)
                        .hasMessageContaining("HOST KEY CHANGED")
                        .hasMessageMatching("(?s).*presented \\S+ SHA256:\\S+;.*wrong_known_hosts pins another.*");
            }
        }
    }

    @Test
    void refusesAPrivateKeyReadableByOthers() throws Exception {
        Files.setPosixFilePermissions(server.clientKey, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> new SshHost(server.settings(server.knownHosts)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chmod 600");
    }

    /** A step stopped by the remote time limit still times out, and the steps after it never run. */
    @Test
    void aStepRunInTurnThatTimesOutStopsTheRest() {
        Path second = directory.resolve("second");
        try (SshHost host = new SshHost(server.settings(server.knownHosts))) {
            java.util.function.Consumer<CommandResult> strict = result -> result.orThrow(host.describe());
            assertThatThrownBy(() -> host.runInTurn(List.of(new HostStep(List.of("sleep", "5"), null, strict),
                    new HostStep(List.of("touch", second.toString()), null, strict)), Duration.ofSeconds(1)))
                    .isInstanceOf(org.manilaj.driver.TimedOutException.class);
        }
        assertThat(second).doesNotExist();
    }

    /**
     * Error output that names a step (a script quoting the marker, or faking it) cannot pass for the shell's own
     * word that a step failed: that carries a token of the call's. The last step's failure stays its own, and it
     * runs once (review: a NumberFormatException, and a last step run twice).
     */
    @Test
    void aStepsOwnErrorOutputCannotNameAnotherStep() throws Exception {
        Path runs = directory.resolve("runs");
        try (SshHost host = new SshHost(server.settings(server.knownHosts))) {
            java.util.function.Consumer<CommandResult> strict = result -> result.orThrow(host.describe());
            java.util.function.Consumer<CommandResult> tolerant = result -> { };
            assertThatThrownBy(() -> host.runInTurn(List.of(new HostStep(List.of("true"), null, strict),
                    new HostStep(List.of("sh", "-c", "echo '" + SshHost.STEP_FAILED + "0 (quoted by a script)' >&2; exit 1"),
                            null, strict)), Duration.ofSeconds(5)))
                    .isInstanceOf(CommandFailedException.class);
            assertThatThrownBy(() -> host.runInTurn(List.of(new HostStep(List.of("true"), null, tolerant),
                    new HostStep(List.of("sh", "-c", "echo x >> \"$1\"; echo '" + SshHost.STEP_FAILED + "0' >&2; exit 1",
                            "last", runs.toString()), null, strict)), Duration.ofSeconds(5)))
                    .isInstanceOf(CommandFailedException.class);
        }
        assertThat(Files.readAllLines(runs)).as("the last step ran once").hasSize(1);
    }
}
