package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ReplicationKillDrill} between the packaged jar's two local-directory backends (file-level copies). */
class ReplicationKillNineSystemIT {

    @Test
    void replicationKilledAtRandomMomentsConvergesAfterEachRestart() throws Exception {
        ReplicationKillDrill.run(new LocalSites(), 8);
    }

    private static final class LocalSites implements ReplicationKillDrill.Sites {
        @Override
        public Path config(Path work) throws Exception {
            return TwoBackendConfig.write(work);
        }

        @Override
        public List<String> pools() {
            return List.of(TwoBackendConfig.FIRST, TwoBackendConfig.SECOND);
        }

        private static Path share(Path work, String pool, String shareId) {
            return work.resolve(TwoBackendConfig.FIRST.equals(pool) ? "var/shares" : "var/second").resolve(shareId);
        }

        @Override
        public void fill(Path work, String pool, String shareId) throws Exception {
            Path share = share(work, pool, shareId);
            for (int i = 0; i < 10; i++) {
                byte[] chunk = new byte[4 << 20];
                chunk[0] = (byte) i;
                Files.write(share.resolve("part-" + i + ".bin"), chunk);
            }
            Files.createDirectories(share.resolve("small"));
            for (int i = 0; i < 200; i++) {
                Files.writeString(share.resolve("small/file-" + i + ".txt"), "file " + i + "\n");
            }
        }

        @Override
        public void write(Path work, String pool, String shareId, String name) throws Exception {
            byte[] bytes = new byte[1 << 20];
            new java.util.Random().nextBytes(bytes);
            Files.write(share(work, pool, shareId).resolve(name), bytes);
        }

        @Override
        public Object checksums(Path work, String pool, String shareId) throws Exception {
            return MigrationChecks.checksums(share(work, pool, shareId));
        }

        @Override
        public void assertNothingLeft(Path work, String shareId) {
            for (String pool : pools()) {
                assertThat(share(work, pool, shareId)).as("share directory on " + pool).doesNotExist();
            }
        }
    }
}
