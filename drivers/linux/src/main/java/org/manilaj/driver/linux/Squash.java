package org.manilaj.driver.linux;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the NFS server maps clients' root (or every user) to the anonymous user. {@code root_squash},
 * the default, keeps a client's root from owning the share's files as root; {@code no_root_squash}
 * trusts every client host's root; {@code all_squash} makes every client user anonymous.
 */
public enum Squash {
    ROOT_SQUASH("Root_Squash"), NO_ROOT_SQUASH("No_Root_Squash"), ALL_SQUASH("All_Squash");

    private final String ganeshaName;

    Squash(String ganeshaName) {
        this.ganeshaName = ganeshaName;
    }

    String ganeshaName() {
        return ganeshaName;
    }

    public static Squash fromConfig(String value) {
        if (value == null) {
            return ROOT_SQUASH;
        }
        return Arrays.stream(values()).filter(squash -> squash.name().toLowerCase(Locale.ROOT).equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("squash must be root_squash, no_root_squash or all_squash,"
                        + " not " + value));
    }
}
