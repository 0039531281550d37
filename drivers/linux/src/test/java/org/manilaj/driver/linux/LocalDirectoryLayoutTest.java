package org.manilaj.driver.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.manilaj.driver.ByteStream;
import org.manilaj.driver.ShareFiles;

/** The local layout spawns no process for what the JVM does itself: an empty share's removal is one rmdir. */
class LocalDirectoryLayoutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    /** This machine, with the commands it was asked to run. */
    static final class CountingHost implements RemoteHost {
        final LocalHost real = new LocalHost();
        final List<String> commands = new CopyOnWriteArrayList<>();

        @Override
        public CommandResult run(List<String> argv, byte[] stdin, Duration timeout) {
            commands.add(argv.get(0));
            return real.run(argv, stdin, timeout);
        }

        @Override
        public ByteStream start(List<String> argv, Duration timeout) {
            commands.add(argv.get(0));
            return real.start(argv, timeout);
        }

        @Override
        public ShareFiles files(String directory) {
            return real.files(directory);
        }

        @Override
        public String describe() {
            return "counted " + real.describe();
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @Test
    void anEmptyShareIsRemovedWithoutAProcessAndAFullOneByRm() throws Exception {
        CountingHost host = new CountingHost();
        LocalDirectoryLayout layout = new LocalDirectoryLayout(host, TIMEOUT);
        ShareLocation empty = ShareLocation.of(root.toString(), "11111111-2222-3333-4444-555555555555");
        layout.create(empty, 1, null);
        layout.delete(empty);
        assertThat(Path.of(empty.directory())).doesNotExist();
        assertThat(host.commands).as("no process for an empty share").isEmpty();

        ShareLocation full = ShareLocation.of(root.toString(), "66666666-7777-8888-9999-000000000000");
        layout.create(full, 1, null);
        Files.writeString(Path.of(full.directory()).resolve("data"), "tenant data");
        layout.delete(full);
        assertThat(Path.of(full.directory())).doesNotExist();
        assertThat(host.commands).containsExactly("rm");
    }
}
