package org.manilaj.driver.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.manilaj.driver.AccessGrant.AccessLevel;
import org.manilaj.driver.AccessGrant;

class GaneshaExportBlockTest {

    @Test
    void grantsNobodyByDefaultAndOneClientBlockPerRule() {
        String block = GaneshaExportBlock.render("/srv/exports/a", List.of(
                new AccessGrant("ip", "10.0.0.0/24", AccessLevel.RW), new AccessGrant("ip", "2001:db8::1", AccessLevel.RO)), Squash.ROOT_SQUASH);
        assertThat(block).contains("Export_Id = @EXPORT_ID@;", "Path = \"/srv/exports/a\";", "Access_Type = None;",
                "CLIENT { Clients = 10.0.0.0/24; Access_Type = RW; }", "CLIENT { Clients = 2001:db8::1; Access_Type = RO; }", "Squash = Root_Squash;");
        assertThat(GaneshaExportBlock.render("/srv/exports/a", List.of(), Squash.ROOT_SQUASH)).doesNotContain("CLIENT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4; Access_Type = RW", "host.example", "*", "1.2.3.4 }", ""})
    void refusesClientsThatAreNotAddresses(String client) {
        assertThatThrownBy(() -> GaneshaExportBlock.render("/srv/a", List.of(new AccessGrant("ip", client, AccessLevel.RW)), Squash.ROOT_SQUASH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesUnsafePaths() {
        assertThatThrownBy(() -> GaneshaExportBlock.render("/srv/a\"; }", List.of(), Squash.ROOT_SQUASH)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"root_squash:Root_Squash", "no_root_squash:No_Root_Squash", "all_squash:All_Squash"})
    void squashIsTheBackendsChoice(String pair) {
        String[] configAndGanesha = pair.split(":");
        assertThat(GaneshaExportBlock.render("/srv/a", List.of(), Squash.fromConfig(configAndGanesha[0])))
                .contains("Squash = " + configAndGanesha[1] + ";");
        assertThat(Squash.fromConfig(null)).isEqualTo(Squash.ROOT_SQUASH);
        assertThatThrownBy(() -> Squash.fromConfig("none")).hasMessageContaining("root_squash");
    }
}
