package org.manilaj.driver.linux;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
        this.exportIds = new GaneshaExportIds(exportsDir + "/.manila-export-ids");
    }

    @Override
    public ExportPath location(String exportPath) {
        return new ExportPath(exportAddress + ":" + exportPath, true, false);
    }

    /**
     * One remote invocation per export change: claim the share's export id (the first time), write its
     * block (standard input, with the id filled in), then load it over D-Bus, as an update when Ganesha
     * has it already. A fixed script; the values are arguments.
     */
    private static final String APPLY = String.join("\n",
            "set -e",
            "conf=$1; dir=$2; share=$3; id=$4; last=$5",
            GaneshaExportIds.CLAIM,
            "sed \"s/@EXPORT_ID@/$id/\" > \"$conf.new\"",
            "mv -f -- \"$conf.new\" \"$conf\"",
            "mgr='org.ganesha.nfsd.exportmgr'",
            "send() { dbus-send --system --print-reply --dest=org.ganesha.nfsd /org/ganesha/nfsd/ExportMgr \"$@\" >/dev/null; }",
            "if send \"$mgr.DisplayExport\" \"uint16:$id\" 2>/dev/null; then",
            "  send \"$mgr.UpdateExport\" \"string:$conf\" \"string:EXPORT(Export_Id=$id)\"",
            "else",
            "  send \"$mgr.AddExport\" \"string:$conf\" \"string:EXPORT(Export_Id=$id)\"",
            "fi",
            "echo \"$id\"");

    @Override
    public void export(String shareId, String exportPath, List<AccessGrant> grants) {
        byte[] block = GaneshaExportBlock.render(exportPath, grants).getBytes(StandardCharsets.UTF_8);
        List<String> argv = new ArrayList<>(List.of("sh", "-c", APPLY, "apply-export", configFile(shareId)));
        argv.addAll(exportIds.claimArguments(shareId));
        String exportId = host.run(argv, block, timeout).orThrow(host.describe()).stdout().trim();
        LOG.info("ganesha on {}: export {} of share {} at {} for {} client rule(s)", host.describe(), exportId, shareId,
                exportPath, grants.size());
    }

    /**
     * Removes the export from Ganesha (an export it does not know is fine), its file and its id claim,
     * in one remote invocation. A fixed script; the values are arguments.
     */
    private static final String REMOVE = String.join("\n",
            "set -e",
            "ids=$1; share=$2; conf=$3",
            "id=$(find \"$ids\" -mindepth 1 -maxdepth 1 -type l -lname \"$share\" -printf '%f' 2>/dev/null || true)",
            "if [ -n \"$id\" ]; then",
            "  if ! out=$(dbus-send --system --print-reply --dest=org.ganesha.nfsd /org/ganesha/nfsd/ExportMgr"
                    + " org.ganesha.nfsd.exportmgr.RemoveExport \"uint16:$id\" 2>&1); then",
            "    case \"$out\" in *'not found'*) ;; *) echo \"$out\" >&2; exit 1;; esac",
            "  fi",
            "fi",
            "rm -f -- \"$conf\" \"$conf.new\"",
            "[ -z \"$id\" ] || rm -f -- \"$ids/$id\"");

    @Override
    public void unexport(String shareId) {
        host.check(List.of("sh", "-c", REMOVE, "remove-export", exportIds.directory(), shareId, configFile(shareId)), timeout);
    }

    @Override
    public boolean enforcesAccess() {
        return true;
    }

    private String configFile(String shareId) {
        return exportsDir + "/" + shareId + ".conf";
    }
}
