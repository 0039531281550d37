package org.manilaj.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The storage hosts of scripts/testlab as the lab benchmarks reach them: host N at 127.0.0.(10+N), sshd on 2222. */
final class LabHosts {
    static final int SSH_PORT = 2222;

    private final Path lab;

    LabHosts(Path lab) {
        this.lab = lab;
    }

    String storage(int host) {
        return lab.resolve("host" + host).resolve("storage").toString();
    }

    static String address(int host) {
        return "127.0.0." + (10 + host);
    }

    /** The lab's key and its pinned host keys: never an unchecked host. */
    String sshOptions() {
        return "-i " + lab.resolve("keys/id_ed25519") + " -p " + SSH_PORT + " -o UserKnownHostsFile=" + lab.resolve("known_hosts")
                + " -o StrictHostKeyChecking=yes -o BatchMode=yes -o LogLevel=ERROR";
    }

    /** The argv that runs {@code command} on a lab host. */
    List<String> sshArgv(int host, String command) {
        List<String> argv = new ArrayList<>(List.of("ssh"));
        argv.addAll(List.of(sshOptions().split(" ")));
        argv.addAll(List.of("root@" + address(host), command));
        return argv;
    }

    /** A fixed command on a lab host (its only variable parts are the lab's paths and a checked share id). */
    void ssh(int host, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(sshArgv(host, command)).inheritIO().start();
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("failed: " + command);
        }
    }
}
