package org.manilaj.csi.node;

import org.manilaj.csi.CsiErrors;

/** An NFS export location, {@code server:/path} ({@code [v6]:/path} for IPv6). */
record ExportLocation(String server, String path) {
    static ExportLocation parse(String location) {
        int split = location.indexOf(":/");
        if (split <= 0 || location.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw CsiErrors.invalid("export location " + location + " is not server:/path");
        }
        String server = location.substring(0, split);
        if (server.startsWith("[") && server.endsWith("]")) {
            server = server.substring(1, server.length() - 1);
        }
        if (!server.matches("[A-Za-z0-9:][A-Za-z0-9.:-]*")) {
            throw CsiErrors.invalid("export location " + location + " has an invalid server");
        }
        return new ExportLocation(server, location.substring(split + 1));
    }

    String text() {
        return (server.contains(":") ? "[" + server + "]" : server) + ":" + path;
    }
}
