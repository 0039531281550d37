package org.manilaj.driver.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellQuotingTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "with space", "it's", "$(id)", "`id`", "a;b", "a\nb", "'", "\"", "\\", "*", ""})
    void theShellSeesEveryArgumentExactlyAsGiven(String argument) {
        String command = "printf %s " + ShellQuoting.quote(argument);
        CommandResult result = new LocalHost().run(List.of("/bin/sh", "-c", command), Duration.ofSeconds(10));
        assertThat(result.stdout()).isEqualTo(argument);
    }
}
