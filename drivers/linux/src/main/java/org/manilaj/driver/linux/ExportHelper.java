package org.manilaj.driver.linux;

import java.util.Optional;

import java.util.List;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.ExportPath;

/** Publishes share directories to NFS clients. All methods are idempotent. */
interface ExportHelper {

    /** Where clients mount the share from. */
    ExportPath location(String exportPath);

    /** Exports the path granting exactly {@code grants} (none: nobody may mount it yet). */
    void export(String shareId, String exportPath, List<AccessGrant> grants);

    /** Removes the share's export; succeeds when there is none. */
    void unexport(String shareId);

    /**
     * The one host command {@link #export} runs, so that it can share an invocation with the layout's; empty for a
     * helper whose export is not one host command.
     */
    default Optional<HostStep> exportStep(String shareId, String exportPath, List<AccessGrant> grants) {
        return Optional.empty();
    }

    /** The one host command {@link #unexport} runs, as {@link #exportStep} for an export. */
    default Optional<HostStep> unexportStep(String shareId) {
        return Optional.empty();
    }

    /** Whether grants reach a real NFS server. */
    boolean enforcesAccess();

    /** The directory holding one {@code <shareId>.conf} per exported share, or empty when exports leave no files. */
    default Optional<String> exportsDirectory() {
        return Optional.empty();
    }
}
