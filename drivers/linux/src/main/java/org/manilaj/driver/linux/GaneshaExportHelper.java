package org.manilaj.driver.linux;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.manilaj.driver.AccessGrant;
import org.manilaj.driver.ExportPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NFS-Ganesha: one EXPORT block per share in {@code <exports_dir>/<shareId>.conf}, loaded, changed and
 * removed at run time over D-Bus, so no other share's clients notice. Re-applying the same state
 * changes nothing visible; removing a missing export succeeds.
 */
final class GaneshaExportHelper implements ExportHelper {
    private static final Logger LOG = LoggerFactory.getLogger(GaneshaExportHelper.class);
    private static final List<String> EXPORT_MANAGER = List.of("dbus-send", "--system", "--print-reply",
            "--dest=org.ganesha.nfsd", "/org/ganesha/nfsd/ExportMgr");

    private final RemoteHost host;
    private final Duration timeout;
    private final String exportsDir;
    private final String exportAddress;
    private final GaneshaExportIds exportIds;

    GaneshaExportHelper(RemoteHost host, Duration timeout, String exportsDir, String exportAddress) {
        this.host = host;
        this.timeout = timeout;
        this.exportsDir = exportsDir;
        this.exportAddress = exportAddress;
        this.exportIds = new GaneshaExportIds(host, timeout, exportsDir + "/.manila-export-ids");
    }

    @Override
    public ExportPath location(String exportPath) {
        return new ExportPath(exportAddress + ":" + exportPath, true, false);
    }

    @Override
    public void export(String shareId, String exportPath, List<AccessGrant> grants) {
        int exportId = exportIds.claim(shareId);
        String config = configFile(shareId);
        byte[] block = GaneshaExportBlock.render(exportId, exportPath, grants).getBytes(StandardCharsets.UTF_8);
        host.run(List.of("tee", config + ".new"), block, timeout).orThrow(host.describe());
        host.check(List.of("mv", "-f", "--", config + ".new", config), timeout);
        boolean loaded = manager("DisplayExport", "uint16:" + exportId).succeeded();
        String method = loaded ? "UpdateExport" : "AddExport";
        manager(method, "string:" + config, "string:EXPORT(Export_Id=" + exportId + ")").orThrow(host.describe());
        LOG.info("ganesha on {}: export {} of share {} at {} for {} client rule(s) ({})", host.describe(), exportId,
                shareId, exportPath, grants.size(), method);
    }

    @Override
    public void unexport(String shareId) {
        Integer exportId = exportIds.find(shareId);
        if (exportId != null) {
            CommandResult removed = manager("RemoveExport", "uint16:" + exportId);
            if (!removed.succeeded() && !removed.stderr().contains("not found")) {
                removed.orThrow(host.describe());
            }
        }
        host.check(List.of("rm", "-f", "--", configFile(shareId), configFile(shareId) + ".new"), timeout);
        if (exportId != null) {
            exportIds.release(shareId, exportId);
        }
    }

    @Override
    public boolean enforcesAccess() {
        return true;
    }

    private String configFile(String shareId) {
        return exportsDir + "/" + shareId + ".conf";
    }

    private CommandResult manager(String method, String... arguments) {
        List<String> argv = new java.util.ArrayList<>(EXPORT_MANAGER);
        argv.add("org.ganesha.nfsd.exportmgr." + method);
        argv.addAll(List.of(arguments));
        return host.run(argv, timeout);
    }
}
