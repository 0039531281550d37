package org.manilaj.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code config/manila.yml} with a second local-directory backend ({@code second}, under ./var/second)
 * beside {@code local}, both in replication domain {@code dr1}, for tests that migrate or replicate shares
 * with the packaged jar. The first backend is the larger, so the scheduler places new shares on it.
 */
final class TwoBackendConfig {
    static final String FIRST = "manila@local#pool0";
    static final String SECOND = "manila@second#pool0";

    private TwoBackendConfig() {
    }

    static Path write(Path directory) throws IOException {
        String base = Files.readString(ServiceProcess.CONFIG);
        String backends = String.join("\n",
                "backends:",
                "  - name: local",
                "    driver: linux",
                "    transport: local",
                "    storage_root: ./var/shares",
                "    export_address: 127.0.0.1",
                "    replication_domain: dr1",
                "    pools:",
                "      - name: pool0",
                "        total_capacity_gb: 100",
                "  - name: second",
                "    driver: linux",
                "    transport: local",
                "    storage_root: ./var/second",
                "    export_address: 127.0.0.1",
                "    replication_domain: dr1",
                "    pools:",
                "      - name: pool0",
                "        total_capacity_gb: 50",
                "");
        String config = base.substring(0, base.indexOf("backends:")) + backends + base.substring(base.indexOf("logging:"));
        // the reconcile job also restarts migration jobs: a short interval keeps the tests short
        return Files.writeString(directory.resolve("manila-two-backends.yml"),
                config.replace("reconcile_interval: 30s", "reconcile_interval: 2s"));
    }
}
