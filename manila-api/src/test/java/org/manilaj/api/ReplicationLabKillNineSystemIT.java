package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ResourceHelpers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.manilaj.driver.linux.TestLab;

/**
 * {@link ReplicationKillDrill} between the lab's two btrfs + Ganesha hosts: the snapshot streams, the in-place
 * refresh of the secondary, the promotion's replacement from the last snapshot received and the pruning of
 * snapshots, each cut by SIGKILL at random moments; afterwards no snapshot and no share is left on a host.
 */
class ReplicationLabKillNineSystemIT {
    private static final List<String> POOLS = List.of("manila@lab1#pool0", "manila@lab2#pool0");

    @Test
    void snapshotReplicationKilledAtRandomMomentsConvergesAndLeavesNothingBehind() throws Exception {
        ReplicationKillDrill.run(new LabSites(), 8);
    }

    private static final class LabSites implements ReplicationKillDrill.Sites {
        @Override
        public Path config(Path work) throws Exception {
            String lab = Files.readString(Path.of(ResourceHelpers.resourceFilePath("test-lab.yml")))
                    .replace("url: jdbc:h2:mem:lab;DB_CLOSE_DELAY=-1", "url: jdbc:h2:file:./var/db/manila;WRITE_DELAY=0")
                    .replace("private_key_file: /overridden", "private_key_file: " + TestLab.privateKey())
                    .replace("known_hosts_file: /overridden", "known_hosts_file: " + TestLab.knownHosts())
                    .replace("    layout: btrfs\n", "    layout: btrfs\n    replication_domain: lab\n")
                    .replace("logging:", "work:\n  reconcile_interval: 2s\nlogging:");
            assertThat(lab).contains("jdbc:h2:file:", "replication_domain: lab").doesNotContain("/overridden");
            return Files.writeString(work.resolve("manila-lab.yml"), lab);
        }

        @Override
        public List<String> pools() {
            return POOLS;
        }

        @Override
        public boolean shared() {
            return true;
        }

        private static int host(String pool) {
            return POOLS.indexOf(pool) + 1;
        }

        @Override
        public void fill(Path work, String pool, String shareId) {
            TestLab.onHost(host(pool), List.of("sh", "-c", "cd \"$1\" && for i in 0 1 2 3 4 5 6 7 8 9; do"
                    + " head -c 4194304 /dev/urandom > part-$i.bin; done && mkdir small && for i in $(seq 200); do"
                    + " echo \"file $i\" > small/file-$i.txt; done", "sh", TestLab.storageRoot(host(pool)) + "/" + shareId))
                    .orThrow("fill on " + pool);
        }

        @Override
        public void write(Path work, String pool, String shareId, String name) {
            TestLab.onHost(host(pool), List.of("sh", "-c", "head -c 1048576 /dev/urandom > \"$1/$2\"", "sh",
                    TestLab.storageRoot(host(pool)) + "/" + shareId, name)).orThrow("write on " + pool);
        }

        @Override
        public Object checksums(Path work, String pool, String shareId) {
            return TestLab.onHost(host(pool), List.of("sh", "-c", "cd \"$1\" && find . -type f -exec sha256sum {} + | sort",
                    "sh", TestLab.storageRoot(host(pool)) + "/" + shareId)).orThrow("checksums on " + pool).stdout();
        }

        @Override
        public void assertNothingLeft(Path work, String shareId) throws Exception {
            for (int host = 1; host <= 2; host++) {
                MigrationLabSystemIT.awaitNothingLeft(host, shareId, true);
            }
        }
    }
}
