package org.manilaj.driver.linux;

import java.util.Optional;

/** How a share is laid out on the host's file system. All methods are idempotent. */
interface StorageLayout {

    /**
     * Creates the share's directory (or subvolume) with its size limit and makes it ready for export;
     * succeeds when it already exists.
     *
     * @param rootMode the octal mode of the share's top directory, or {@code null} for the layout's default
     * @return the path an NFS server exports for the share, as {@link #exportPath} gives it
     */
    String create(ShareLocation share, int sizeGib, String rootMode);

    /** What {@link #create} runs, when that is one host command, and the path it exports. */
    record CreateStep(HostStep step, String exportPath) {
    }

    /**
     * The one host command {@link #create} runs, so that the export's can share its invocation; empty for a layout
     * whose create is not one host command.
     */
    default Optional<CreateStep> createStep(ShareLocation share, int sizeGib, String rootMode) {
        return Optional.empty();
    }

    /** The one host command {@link #delete} runs, as {@link #createStep} for a create. */
    default Optional<HostStep> deleteStep(ShareLocation share) {
        return Optional.empty();
    }

    /**
     * Removes the share's directory and its data, and undoes {@link #exportPath}; succeeds when it is
     * already gone.
     */
    void delete(ShareLocation share);

    /**
     * Sets the size limit, if the layout has one; a layout that watches free space refuses to grow a share on a full
     * file system with {@link org.manilaj.driver.NoSpaceException} (a shrink is never refused for want of space).
     */
    void resize(ShareLocation share, int sizeGib, boolean growing);

    /** Bytes used by the share's data. */
    long usedBytes(ShareLocation share);

    /** Bytes used by each share's data by share id, in one command on the host; shares it cannot read are left out. */
    java.util.Map<String, Long> usedBytes(java.util.List<ShareLocation> shares);

    /** The path an NFS server exports for the share, made ready (mounted) if the layout needs it. */
    String exportPath(ShareLocation share);
}
