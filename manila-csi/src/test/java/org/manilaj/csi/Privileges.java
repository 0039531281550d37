package org.manilaj.csi;

/** Whether the tests run as root (mounting needs it; those steps are skipped otherwise). */
final class Privileges {
    private Privileges() {
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
