package org.manilaj.csi.controller;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.manilaj.csi.CsiErrors;

/**
 * Node ids are the nodes' IP addresses: what an access rule names. Anything else (a host name, an address
 * that names no single host) is no node the plugin knows.
 */
final class NodeAddresses {
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

    private NodeAddresses() {
    }

    /** The address in its canonical spelling; NOT_FOUND for anything that is not one host's address. */
    static String of(String nodeId) {
        if (!IPV4.matcher(nodeId).matches() && !IPV6.matcher(nodeId).matches()) {
            throw unknown(nodeId);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(nodeId); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw unknown(nodeId);
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress() || address.getHostAddress().equals("255.255.255.255")) {
            throw unknown(nodeId);
        }
        return address.getHostAddress();
    }

    /** The canonical spelling when {@code nodeId} is an address, else {@code nodeId} as given. */
    static String normalised(String nodeId) {
        try {
            return of(nodeId);
        } catch (RuntimeException e) {
            return nodeId;
        }
    }

    private static RuntimeException unknown(String nodeId) {
        return CsiErrors.notFound("node " + nodeId + " is not known: node ids are the nodes' IP addresses");
    }
}
