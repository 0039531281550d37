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

    /**
     * Takes host {@code n}'s site down ({@code stop}: its sshd and Ganesha end, its data stays) or brings it back
     * ({@code start}), with {@code scripts/testlab/testhosts.sh} from the working directory or one above it.
     */
    void site(String action, int host) throws IOException, InterruptedException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !dir.resolve("scripts/testlab/testhosts.sh").toFile().exists()) {
            dir = dir.getParent();
        }
        if (dir == null || !(action.equals("stop") || action.equals("start"))) {
            throw new IOException("run from the repository: scripts/testlab/testhosts.sh " + action + " not found");
        }
        ProcessBuilder builder = new ProcessBuilder("bash", dir.resolve("scripts/testlab/testhosts.sh").toString(), action,
                Integer.toString(host)).inheritIO();
        builder.environment().put("LAB", lab.toString());
        builder.environment().put("NO_APT", "1");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("testhosts.sh " + action + " " + host + " failed");
        }
    }

    /** A fixed command on a lab host (its only variable parts are the lab's paths and a checked share id). */
    void ssh(int host, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(sshArgv(host, command)).inheritIO().start();
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("failed: " + command);
        }
    }
}
