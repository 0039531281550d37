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
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareSpec;

class LinuxShareDriverOverSshTest {
    @TempDir
    Path directory;

    @Test
    void createsAndDeletesASharesDirectoryOnAHostReachedOverSsh() throws Exception {
        Path root = Files.createDirectory(directory.resolve("shares"));
        try (InJvmSshServer server = new InJvmSshServer(Files.createDirectory(directory.resolve("ssh")))) {
            Map<String, Object> ssh = new LinkedHashMap<>();
            ssh.put("host", "127.0.0.1");
            ssh.put("port", server.server.getPort());
            ssh.put("user", server.user);
            ssh.put("private_key_file", server.clientKey.toString());
            ssh.put("known_hosts_file", server.knownHosts.toString());
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
}
