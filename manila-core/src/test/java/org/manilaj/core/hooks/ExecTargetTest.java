package org.manilaj.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An exec hook's command is bounded by its timeout whatever it does: start children, or never read its input. */
class ExecTargetTest {
    private static ExecTarget command(Duration timeout, String... argv) {
        return new ExecTarget(new HookSpec("exec-test", "exec", List.of("*"), null, null, List.of(argv), timeout, 3));
    }

    @Test
    void aTimedOutCommandIsKilledWithTheProcessesItStarted() throws Exception {
        String marker = "31." + (System.nanoTime() % 1_000_000_000L); // a sleep time no other process uses
        ExecTarget target = command(Duration.ofMillis(300), "sh", "-c", "sleep \"$1\" & wait", "hook", marker);
        assertThatThrownBy(() -> target.deliver("e1", "share.create.end", "{}"))
                .isInstanceOf(HookTarget.Refused.class).hasMessageContaining("timed out");
        Thread.sleep(300);
        Process pgrep = new ProcessBuilder("pgrep", "-f", "sleep " + marker).start();
        assertThat(pgrep.waitFor()).as("left running: " + new String(pgrep.getInputStream().readAllBytes())).isEqualTo(1);
    }

    @Test
    void aCommandThatNeverReadsALargeEventStillTimesOut() {
        String large = "{\"shares\": [" + "{\"id\": \"x\", \"used_bytes\": 1},".repeat(20_000) + "{}]}"; // > a pipe's 64 KiB
        ExecTarget target = command(Duration.ofMillis(500), "sleep", "30");
        assertThatThrownBy(() -> target.deliver("e2", "shares.usage", large))
                .isInstanceOf(HookTarget.Refused.class).hasMessageContaining("timed out");
    }

    /**
     * Commands that exit at once but leave a child holding their input (a daemon started by the hook) must not stop
     * later hooks from getting theirs: more such deliveries than the JVM's common pool has threads, then a pre-hook.
     */
    @Test
    void inputLeftUnreadByAHooksChildDoesNotStarveTheNextHook() throws Exception {
        String marker = "32." + (System.nanoTime() % 1_000_000_000L);
        assertThat(java.util.concurrent.ForkJoinPool.getCommonPoolParallelism()).as("common pool, see the pom").isEqualTo(3);
        String large = "{\"shares\": [" + "{\"id\": \"x\", \"used_bytes\": 1},".repeat(20_000) + "{}]}";
        ExecTarget leaving = command(Duration.ofSeconds(10), "sh", "-c", "exec 3<&0; sleep \"$1\" <&3 & exit 0", "hook", marker);
        try {
            for (int i = 0; i <= java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(); i++) {
                leaving.deliver("e" + i, "shares.usage", large);
            }
            ExecTarget policy = command(Duration.ofSeconds(5), "sh", "-c",
                    "cat > /dev/null; echo '{\"reason\": \"over budget\"}'; exit 1");
            HookTarget.Answer answer = policy.ask("r1", "share.create", "{\"size\": 1}");
            assertThat(answer.kind()).isEqualTo(HookTarget.Answer.Kind.DENY);
            assertThat(answer.reason()).isEqualTo("over budget");
        } finally {
            new ProcessBuilder("pkill", "-f", "sleep " + marker).start().waitFor();
        }
    }

    @Test
    void aCommandThatReadsItsEventAndExitsZeroIsDelivered() {
        command(Duration.ofSeconds(10), "sh", "-c", "grep -q share.create.end").deliver("e3", "share.create.end",
                "{\"type\": \"share.create.end\"}");
    }
}
