package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import org.junit.jupiter.api.Test;

/** Two processes on one host must not share a node name: it decides whose operation leases are whose. */
class NodeNameTest {
    @Test
    void aSimpleServerIsNamedByItsPortNotByZero() {
        ManilaConfiguration config = new ManilaConfiguration();
        SimpleServerFactory simple = new SimpleServerFactory();
        HttpConnectorFactory connector = new HttpConnectorFactory();
        connector.setPort(9123);
        simple.setConnector(connector);
        config.setServerFactory(simple);
        assertThat(ManilaApplication.nodeName(config)).endsWith("-9123");
    }

    @Test
    void theDefaultServerIsNamedByItsApplicationPort() {
        ManilaConfiguration config = new ManilaConfiguration();
        assertThat(ManilaApplication.nodeName(config)).endsWith("-8080");
    }
}
