package org.manilaj.driver;

import java.util.List;

/**
 * A storage backend as the service sees it. One instance serves one configured backend and all of
 * its pools; it is called from several worker threads at once and must be thread-safe.
 *
 * <p>Every mutating method is idempotent, because the service retries an operation after a crash
 * without knowing how far the previous attempt got. Methods throw {@link DriverException} on
 * failure; its message goes to the operator's log, never to the tenant.
 */
public interface ShareDriver extends AutoCloseable {

    /**
     * Reports capacity and capabilities of every pool of this backend. Called periodically; a
     * failure marks the backend's stats as stale but changes no share.
     */
    BackendStats stats();

    /**
     * Creates the share on the pool named in the spec, or returns the existing share's export when
     * a share with this id already exists there (a retry after a crash).
     *
     * @return the export locations to record; at least one
     */
    ShareExport create(ShareSpec spec);

    /**
     * Removes the share and everything the backend holds for it (exports, data). Deleting a share
     * that does not exist succeeds.
     */
    void delete(ShareRef share);

    /**
     * Grows the share to {@code newSizeGib}. Repeating it with the same size changes nothing.
     */
    void extend(ShareRef share, int newSizeGib);

    /**
     * Shrinks the share to {@code newSizeGib}. Before touching any limit it reads the space in use
     * and throws {@link ShrinkWouldLoseDataException} when the data would not fit; the share is then
     * unchanged.
     */
    void shrink(ShareRef share, int newSizeGib);

    /**
     * Makes the backend grant exactly {@code rules}: the full desired set, not a diff, so that a
     * retry converges. An empty list removes all access.
     */
    void applyAccess(ShareRef share, List<AccessGrant> rules);

    /**
     * Where a file-level copy reaches the share's files (see {@link ShareFiles}); empty when this backend
     * offers no file access, and then no migration can use it.
     */
    default java.util.Optional<ShareFiles> files(ShareRef share) {
        return java.util.Optional.empty();
    }

    /**
     * The share's snapshots and the streams that move them (see {@link ShareSnapshots}); empty when this
     * backend's storage cannot snapshot.
     */
    default java.util.Optional<ShareSnapshots> snapshots() {
        return java.util.Optional.empty();
    }

    /** The share's tree as archive streams (see {@link ShareTrees}); empty when this backend cannot offer it. */
    default java.util.Optional<ShareTrees> trees() {
        return java.util.Optional.empty();
    }

    /**
     * Bytes each share's data uses, read for all of them at once (one round trip to the backend's host): by share
     * id; a share it could not read (gone, or a backend that cannot tell) is left out.
     */
    default java.util.Map<String, Long> usedBytes(List<ShareRef> shares) {
        return java.util.Map.of();
    }

    /** What the backend's host holds (one round trip), or empty for a driver that cannot list it. */
    default java.util.Optional<BackendInventory> inventory() {
        return java.util.Optional.empty();
    }

    /** Removes the export of a share the backend holds no longer (an export the audit found without its share). */
    default void removeExport(String shareId) {
        throw new UnsupportedOperationException("this driver keeps no exports of its own");
    }

    /** Connections to the backend's host busy now (SSH sessions running a command or a stream); 0 when it keeps none. */
    default int connectionsInUse() {
        return 0;
    }

    /** What this backend supports beyond the basic operations. */
    DriverCapabilities capabilities();

    /** Releases connections and threads; the driver is not used afterwards. */
    @Override
    void close();
}
