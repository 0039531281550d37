package org.manilaj.api;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where noauth may run: only when every connector of the server, whatever its type (default or simple,
 * application or admin), listens on a loopback address. A connector without a bind host listens on all.
 */
final class LoopbackOnly {
    private LoopbackOnly() {
    }

    static void check(ServerFactory server) {
        for (ConnectorFactory connector : connectors(server)) {
            String bindHost = connector instanceof HttpConnectorFactory http ? http.getBindHost() : null;
            if (!isLoopback(bindHost)) {
                throw new IllegalStateException("auth.mode noauth makes every caller an admin: it is allowed only when"
                        + " every connector listens on loopback (bindHost 127.0.0.1), not on "
                        + (bindHost == null ? "every address" : bindHost));
            }
        }
    }

    private static List<ConnectorFactory> connectors(ServerFactory server) {
        List<ConnectorFactory> connectors = new ArrayList<>();
        if (server instanceof DefaultServerFactory defaults) {
            connectors.addAll(defaults.getApplicationConnectors());
            connectors.addAll(defaults.getAdminConnectors());
        } else if (server instanceof SimpleServerFactory simple) {
            connectors.add(simple.getConnector());
        } else {
            throw new IllegalStateException("auth.mode noauth: cannot tell where a " + server.getClass().getSimpleName()
                    + " listens; use auth.mode token");
        }
        return connectors;
    }

    /** A literal loopback address or {@code localhost}; resolved without DNS for literals. */
    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        if (host.equals("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a host name: it could resolve anywhere
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
