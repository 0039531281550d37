package org.manilaj.driver.linux;

import java.util.List;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.ExportPath;

/** Publishes share directories to NFS clients. All methods are idempotent. */
interface ExportHelper {

    /** Where clients mount the share's directory from. */
    ExportPath location(String directory);

    /** Exports the directory granting exactly {@code grants} (none: nobody may mount it yet). */
    void export(String shareId, String directory, List<AccessGrant> grants);

    /** Removes the export; succeeds when there is none. */
    void unexport(String shareId, String directory);
}
