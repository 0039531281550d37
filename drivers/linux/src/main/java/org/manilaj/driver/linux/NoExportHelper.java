package org.manilaj.driver.linux;

import java.util.List;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.ExportPath;

/**
 * {@code export: none}: reports {@code <export_address>:<path>} and configures no NFS server, for hosts
 * whose exports are managed outside the service (and for the embedded default).
 */
final class NoExportHelper implements ExportHelper {
    private final String exportAddress;

    NoExportHelper(String exportAddress) {
        this.exportAddress = exportAddress;
    }

    @Override
    public ExportPath location(String exportPath) {
        return new ExportPath(exportAddress + ":" + exportPath, true, false);
    }

    @Override
    public void export(String shareId, String exportPath, List<AccessGrant> grants) {
        // Nothing to configure.
    }

    @Override
    public void unexport(String shareId) {
        // Nothing to remove.
    }

    @Override
    public boolean enforcesAccess() {
        return false;
    }
}
