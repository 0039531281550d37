package org.manilaj.driver.linux;

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

    /** Whether grants reach a real NFS server. */
    boolean enforcesAccess();

    /** The directory holding one {@code <shareId>.conf} per exported share, or empty when exports leave no files. */
    default java.util.Optional<String> exportsDirectory() {
        return java.util.Optional.empty();
    }
}
