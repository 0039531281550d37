package org.manilaj.driver.linux;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.manilaj.driver.BackendDefinition;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareDriverFactory;

/** {@code driver: linux}. */
public final class LinuxShareDriverFactory implements ShareDriverFactory {
    private static final Duration LOCAL_COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper STRICT = new ObjectMapper()
            .findAndRegisterModules()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public ShareDriver create(BackendDefinition backend) {
        LinuxBackendSettings settings = bind(backend.options(), LinuxBackendSettings.class, backend.name());
        Map<String, String> poolRoots = new LinkedHashMap<>();
        for (BackendDefinition.PoolDefinition pool : backend.pools()) {
            LinuxPoolSettings poolSettings = bind(pool.options(), LinuxPoolSettings.class, backend.name() + "#" + pool.name());
            poolRoots.put(pool.name(), poolSettings.storageRoot() != null ? poolSettings.storageRoot() : settings.storageRoot());
        }
        RemoteHost host;
        if (settings.transport().equals("ssh")) {
            host = new SshHost(settings.ssh());
        } else {
            host = new LocalHost();
            poolRoots.values().forEach(LinuxShareDriverFactory::createLocalRoot);
        }
        Duration timeout = settings.ssh() != null ? settings.ssh().commandTimeoutDuration() : LOCAL_COMMAND_TIMEOUT;
        StorageLayout layout = settings.layout().equals("btrfs")
                ? new BtrfsLayout(host, timeout, settings.exportRoot(), settings.minFreeMb() * 1024 * 1024)
                : host instanceof LocalHost ? new LocalDirectoryLayout(host, timeout) : new PlainDirectoryLayout(host, timeout);
        ExportHelper exports = settings.export().equals("ganesha")
                ? new GaneshaExportHelper(host, timeout, settings.ganeshaExportsDir(), settings.exportAddress(),
                        settings.squashMode())
                : new NoExportHelper(settings.exportAddress());
        Map<String, String> capabilities = Map.of(
                "storage_protocol", "NFS",
                "driver_handles_share_servers", "False",
                "snapshot_support", "False",
                "layout", settings.layout(),
                "export", settings.export(),
                "vendor_name", "Manila-J",
                "driver_version", "1.0");
        return new LinuxShareDriver(host, poolRoots, layout, exports, timeout, capabilities);
    }

    /** On this machine the storage root is created if missing, so that the embedded default just starts. */
    private static void createLocalRoot(String root) {
        try {
            Files.createDirectories(Path.of(root));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create storage_root " + root + ": " + e.getMessage(), e);
        }
    }

    static <T> T bind(Map<String, Object> options, Class<T> type, String where) {
        try {
            return STRICT.convertValue(options, type);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("backend " + where + ": " + rootMessage(cause), e);
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.toString() : message.lines().findFirst().orElse(message);
    }
}
