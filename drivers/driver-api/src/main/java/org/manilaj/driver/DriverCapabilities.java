package org.manilaj.driver;

/**
 * Optional features of a backend, advertised once instead of through per-feature booleans methods.
 *
 * @param enforcesSize whether a share cannot hold more than its size (a quota on the backend)
 * @param enforcesAccess whether access rules reach an NFS server (false: every client may mount)
 */
public record DriverCapabilities(boolean enforcesSize, boolean enforcesAccess) {
}
