package org.manilaj.driver.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.AccessGrant.AccessLevel;

class GaneshaExportBlockTest {

    @Test
    void grantsNobodyByDefaultAndOneClientBlockPerRule() {
        String block = GaneshaExportBlock.render("/srv/exports/a", List.of(
                new AccessGrant("ip", "10.0.0.0/24", AccessLevel.RW), new AccessGrant("ip", "2001:db8::1", AccessLevel.RO)));
        assertThat(block).contains("Export_Id = @EXPORT_ID@;", "Path = \"/srv/exports/a\";", "Access_Type = None;",
                "CLIENT { Clients = 10.0.0.0/24; Access_Type = RW; }", "CLIENT { Clients = 2001:db8::1; Access_Type = RO; }");
        assertThat(GaneshaExportBlock.render("/srv/exports/a", List.of())).doesNotContain("CLIENT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4; Access_Type = RW", "host.example", "*", "1.2.3.4 }", ""})
    void refusesClientsThatAreNotAddresses(String client) {
        assertThatThrownBy(() -> GaneshaExportBlock.render("/srv/a", List.of(new AccessGrant("ip", client, AccessLevel.RW))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesUnsafePaths() {
        assertThatThrownBy(() -> GaneshaExportBlock.render("/srv/a\"; }", List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
