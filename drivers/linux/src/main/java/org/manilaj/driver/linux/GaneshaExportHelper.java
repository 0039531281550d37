package org.manilaj.driver.linux;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    private final Squash squash;

    GaneshaExportHelper(RemoteHost host, Duration timeout, String exportsDir, String exportAddress, Squash squash) {
        this.host = host;
        this.squash = squash;
        this.timeout = timeout;
        this.exportsDir = exportsDir;
        this.exportAddress = exportAddress;
        this.exportIds = new GaneshaExportIds(exportsDir + "/.manila-export-ids");
    }

    @Override
    public ExportPath location(String exportPath) {
        return new ExportPath(exportAddress + ":" + exportPath, true, false);
    }

    /** One remote invocation per export change ({@link HostScripts#APPLY_EXPORT}). */
    @Override
    public void export(String shareId, String exportPath, List<AccessGrant> grants) {
        host.runInTurn(List.of(exportStep(shareId, exportPath, grants).orElseThrow()), timeout);
    }

    @Override
    public Optional<HostStep> exportStep(String shareId, String exportPath, List<AccessGrant> grants) {
        ShareIds.require(shareId);
        byte[] block = GaneshaExportBlock.render(exportPath, grants, squash).getBytes(StandardCharsets.UTF_8);
        List<String> arguments = new ArrayList<>(List.of(configFile(shareId)));
        arguments.addAll(exportIds.claimArguments(shareId));
        List<String> argv = HostScripts.argv(HostScripts.APPLY_EXPORT, arguments.toArray(String[]::new));
        return Optional.of(new HostStep(argv, block, result -> {
            // the script prints the export's id last (steps run in turn share one output)
            String[] lines = result.orThrow(host.describe()).stdout().strip().split("\n");
            LOG.info("ganesha on {}: export {} of share {} at {} for {} client rule(s)", host.describe(),
                    lines[lines.length - 1], shareId, exportPath, grants.size());
        }));
    }

    /** Removes the export, its file and its id claim in one remote invocation ({@link HostScripts#REMOVE_EXPORT}). */
    @Override
    public void unexport(String shareId) {
        host.runInTurn(List.of(unexportStep(shareId).orElseThrow()), timeout);
    }

    @Override
    public Optional<HostStep> unexportStep(String shareId) {
        ShareIds.require(shareId);
        return Optional.of(new HostStep(HostScripts.argv(HostScripts.REMOVE_EXPORT, exportIds.directory(), shareId,
                configFile(shareId)), null, result -> result.orThrow(host.describe())));
    }

    @Override
    public boolean enforcesAccess() {
        return true;
    }

    private String configFile(String shareId) {
        return exportsDir + "/" + shareId + ".conf";
    }

    @Override
    public java.util.Optional<String> exportsDirectory() {
        return java.util.Optional.of(exportsDir);
    }
}
