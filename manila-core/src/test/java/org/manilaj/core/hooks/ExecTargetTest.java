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

    @Test
    void aCommandThatReadsItsEventAndExitsZeroIsDelivered() {
        command(Duration.ofSeconds(10), "sh", "-c", "grep -q share.create.end").deliver("e3", "share.create.end",
                "{\"type\": \"share.create.end\"}");
    }
}
