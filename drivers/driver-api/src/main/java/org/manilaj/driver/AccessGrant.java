package org.manilaj.driver;

import java.util.Objects;

/** One client that may mount a share: an IP address or CIDR, read-write or read-only. */
public record AccessGrant(String accessType, String accessTo, AccessLevel level) {
    public AccessGrant {
        Objects.requireNonNull(accessType, "accessType");
        Objects.requireNonNull(accessTo, "accessTo");
        Objects.requireNonNull(level, "level");
    }

    public enum AccessLevel { RW, RO }
}
