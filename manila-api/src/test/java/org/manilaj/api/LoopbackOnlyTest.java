package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackOnlyTest {
    private static HttpConnectorFactory on(String bindHost) {
        HttpConnectorFactory connector = new HttpConnectorFactory();
        connector.setBindHost(bindHost);
        return connector;
    }

    @Test
    void aSimpleServerOnEveryAddressIsRefused() {
        SimpleServerFactory simple = new SimpleServerFactory();
        simple.setConnector(on("0.0.0.0"));
        assertThatThrownBy(() -> LoopbackOnly.check(simple)).hasMessageContaining("0.0.0.0");
        simple.setConnector(on(null));
        assertThatThrownBy(() -> LoopbackOnly.check(simple)).hasMessageContaining("every address");
        simple.setConnector(on("127.0.0.1"));
        assertThatCode(() -> LoopbackOnly.check(simple)).doesNotThrowAnyException();
    }

    @Test
    void everyConnectorOfTheDefaultServerCountsTheAdminOneToo() {
        DefaultServerFactory server = new DefaultServerFactory();
        server.setApplicationConnectors(List.of(on("127.0.0.1")));
        server.setAdminConnectors(List.of(on("10.1.2.3")));
        assertThatThrownBy(() -> LoopbackOnly.check(server)).hasMessageContaining("10.1.2.3");
        server.setAdminConnectors(List.of(on("::1")));
        assertThatCode(() -> LoopbackOnly.check(server)).doesNotThrowAnyException();
    }

    @Test
    void onlyLiteralLoopbackAddressesCount() {
        assertThat(LoopbackOnly.isLoopback("127.0.0.2")).isTrue();
        assertThat(LoopbackOnly.isLoopback("[::1]")).isTrue();
        assertThat(LoopbackOnly.isLoopback("localhost")).isTrue();
        assertThat(LoopbackOnly.isLoopback("127.example.com")).isFalse();
        assertThat(LoopbackOnly.isLoopback("::")).isFalse();
        assertThat(LoopbackOnly.isLoopback("")).isFalse();
    }
}
