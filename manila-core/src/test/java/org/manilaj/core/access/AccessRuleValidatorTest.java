package org.manilaj.core.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.manilaj.core.ManilaException;

class AccessRuleValidatorTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.0/24", "0.0.0.0/0", "192.168.1.255/32", "2001:db8::1", "2001:db8::/32",
        "::1", "::", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1", "2001:DB8:0:0:8:800:200C:417A/128"})
    void acceptsAddressesAndCidrs(String address) {
        assertThat(AccessRuleValidator.accessTo(address)).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "999.1.1.1", "", " ", "host.example", "1.2.3.4; touch /tmp/x", "1.2.3",
        "01.2.3.4", "1.2.3.4/", "1.2.3.4/-1", "1:2:3:4:5:6:7:8:9", "1::2::3", "2001:db8:::1", "12345::1", "2001:db8::/129",
        "*", "1.2.3.4 5.6.7.8", "localhost", "$(id)"})
    void refusesEverythingElse(String address) {
        assertThatThrownBy(() -> AccessRuleValidator.accessTo(address)).isInstanceOf(ManilaException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "cert", "cephx", "IP", ""})
    void refusesAccessTypesOtherThanIp(String type) {
        assertThatThrownBy(() -> AccessRuleValidator.accessType(type)).isInstanceOf(ManilaException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rx", "write", "", "r"})
    void refusesUnknownAccessLevels(String level) {
        assertThatThrownBy(() -> AccessRuleValidator.accessLevel(level)).isInstanceOf(ManilaException.class);
    }
}
