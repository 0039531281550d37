package org.manilaj.driver.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.manilaj.driver.BackendDefinition;
import org.manilaj.driver.DriverException;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareRef;
import org.manilaj.driver.ShareSpec;

class LinuxShareDriverOverSshTest {
    @TempDir
    Path directory;

    @Test
    void createsAndDeletesASharesDirectoryOnAHostReachedOverSsh() throws Exception {
        Path root = Files.createDirectory(directory.resolve("shares"));
        try (InJvmSshServer server = new InJvmSshServer(Files.createDirectory(directory.resolve("ssh")))) {
            Map<String, Object> ssh = sshOptions(server);
            Map<String, Object> options = Map.of("transport", "ssh", "ssh", ssh,
                    "storage_root", root.toString(), "export_address", "127.0.0.1");
            String id = UUID.randomUUID().toString();
            try (ShareDriver driver = new LinuxShareDriverFactory().create(new BackendDefinition("remote", options,
                    List.of(new BackendDefinition.PoolDefinition("pool0", Map.of()))))) {
                ShareSpec spec = new ShareSpec(id, "pool0", 1, "NFS", Map.of());
                assertThat(driver.create(spec).locations().get(0).path()).isEqualTo("127.0.0.1:" + root + "/" + id);
                assertThat(root.resolve(id)).isDirectory();
                assertThat(driver.stats().pools().get(0).totalCapacityGb()).isPositive();
                driver.delete(spec.ref());
                assertThat(root.resolve(id)).doesNotExist();
            }
        }
    }

    /**
     * A btrfs share grown asks the host to keep min_free_mb free; put back to a size it had (a shrink undone) asks for
     * nothing, so that a full disk never leaves replicas at different sizes. (This host has no btrfs: the commands
     * fail, and what they asked for is read from what the SSH server received.)
     */
    @Test
    void onlyAGrowthAsksTheHostForFreeSpace() throws Exception {
        try (InJvmSshServer server = new InJvmSshServer(Files.createDirectory(directory.resolve("ssh")))) {
            Map<String, Object> ssh = sshOptions(server);
            Map<String, Object> options = Map.of("transport", "ssh", "ssh", ssh, "storage_root", "/srv/manila",
                    "layout", "btrfs", "export_root", "/srv/exports", "export_address", "127.0.0.1", "min_free_mb", 100);
            String id = UUID.randomUUID().toString();
            try (ShareDriver driver = new LinuxShareDriverFactory().create(new BackendDefinition("remote", options,
                    List.of(new BackendDefinition.PoolDefinition("pool0", Map.of()))))) {
                for (int from : new int[] {1, 3}) {
                    try {
                        driver.extend(new ShareRef(id, "pool0", from), 3);
                    } catch (DriverException noBtrfsHere) {
                        // expected: what matters is what was asked
                    }
                }
            }
            List<String> resizes = server.received().stream().filter(command -> command.contains(HostScripts.RESIZE_SHARE))
                    .toList();
            assertThat(resizes).hasSize(2);
            assertThat(resizes.get(0)).as("grown from 1 to 3 GiB").endsWith(" '" + 100L * 1024 * 1024 + "'");
            assertThat(resizes.get(1)).as("put back to 3 GiB").endsWith(" '0'");
        }
    }

    private static Map<String, Object> sshOptions(InJvmSshServer server) {
        Map<String, Object> ssh = new LinkedHashMap<>();
        ssh.put("host", "127.0.0.1");
        ssh.put("port", server.server.getPort());
        ssh.put("user", server.user);
        ssh.put("private_key_file", server.clientKey.toString());
        ssh.put("known_hosts_file", server.knownHosts.toString());
        return ssh;
    }
}
