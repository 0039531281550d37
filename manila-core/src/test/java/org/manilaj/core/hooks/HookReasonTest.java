package org.manilaj.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The only hook text a tenant reads: its reason, cleaned. */
class HookReasonTest {

    @Test
    void formatCharactersThatCouldDisguiseTheTextAreDropped() {
        assertThat(HookReason.fromJson("{\"reason\": \"quota \\u202Eexceeded\\u200B now\"}")).isEqualTo("quota exceeded now");
        assertThat(HookReason.fromJson("{\"reason\": \"a\\nb\\u0007c\"}")).isEqualTo("a b c");
        assertThat(HookReason.fromJson("not json")).isNull();
        assertThat(HookReason.fromJson("{\"reason\": 3}")).isNull();
    }

    @Test
    void aLongReasonIsCutAtTwoHundredCharactersNeverInsideOne() {
        String reason = "x".repeat(HookReason.MAX - 1) + "\uD83D\uDE00" + "tail"; // an emoji across the cut
        String cleaned = HookReason.clean(reason);
        assertThat(cleaned.codePointCount(0, cleaned.length())).isEqualTo(HookReason.MAX);
        assertThat(cleaned).endsWith("\uD83D\uDE00");
    }
}
