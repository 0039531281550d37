package org.manilaj.driver.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The storage hosts that {@code scripts/testlab/testhosts.sh up} starts (host N at 127.0.0.(10+N),
 * sshd on 2222, btrfs with quotas, NFS-Ganesha), for system tests. The lab folder comes from the
 * system property {@code manila.lab} (default {@code /tmp/manila-testlab}).
 */
public final class TestLab {
    public static final Path LAB = Path.of(System.getProperty("manila.lab", "/tmp/manila-testlab"));
    public static final int SSH_PORT = 2222;

    private TestLab() {
    }

    public static String address(int host) {
        return "127.0.0." + (10 + host);
    }

    public static Path storageRoot(int host) {
        return LAB.resolve("host" + host).resolve("storage");
    }

    public static Path exportRoot(int host) {
        return LAB.resolve("host" + host).resolve("exports");
    }

    /** A known_hosts file pinning every lab host's ed25519 key. */
    public static Path knownHosts() {
        try {
            List<String> lines = new ArrayList<>();
            for (int host = 1; Files.isDirectory(LAB.resolve("host" + host)); host++) {
                String key = Files.readString(LAB.resolve("host" + host).resolve("etc/ssh_host_ed25519_key.pub")).trim();
                String[] parts = key.split(" ");
                lines.add("[" + address(host) + "]:" + SSH_PORT + " " + parts[0] + " " + parts[1]);
            }
            Path file = LAB.resolve("known_hosts");
            Files.write(file, lines);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path privateKey() {
        return LAB.resolve("keys/id_ed25519");
    }

    /** Driver options of a btrfs + Ganesha backend on lab host {@code host}, in the configuration's shape. */
    public static Map<String, Object> backendOptions(int host) {
        Map<String, Object> ssh = new LinkedHashMap<>();
        ssh.put("host", address(host));
        ssh.put("port", SSH_PORT);
        ssh.put("user", "root");
        ssh.put("private_key_file", privateKey().toString());
        ssh.put("known_hosts_file", knownHosts().toString());
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("transport", "ssh");
        options.put("ssh", ssh);
        options.put("storage_root", storageRoot(host).toString());
        options.put("layout", "btrfs");
        options.put("export", "ganesha");
        options.put("export_root", exportRoot(host).toString());
        options.put("export_address", address(host));
        return options;
    }

    /** Runs a command as root on a lab host, over the same SSH transport the driver uses. */
    public static CommandResult onHost(int host, List<String> argv) {
        SshSettings settings = new SshSettings(address(host), SSH_PORT, "root", privateKey(), knownHosts(), 10, 60, 1);
        try (SshHost ssh = new SshHost(settings)) {
            return ssh.run(argv, Duration.ofSeconds(60));
        }
    }

    /** Host {@code n}'s site lost: its sshd, D-Bus and Ganesha stop; its data stays ({@code testhosts.sh stop}). */
    public static void stopHost(int host) {
        testhosts("stop", host);
    }

    /** Host {@code n} back, its shares mounted again as at boot ({@code testhosts.sh start}). */
    public static void startHost(int host) {
        testhosts("start", host);
    }

    /** Only host {@code n}'s NFS server stops; its sshd and storage stay ({@code testhosts.sh nfs-stop}). */
    public static void stopNfs(int host) {
        testhosts("nfs-stop", host);
    }

    /** Host {@code n}'s NFS server back, reading its exports back from its exports directory. */
    public static void startNfs(int host) {
        testhosts("nfs-start", host);
    }

    private static void testhosts(String command, int host) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/testlab/testhosts.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("scripts/testlab/testhosts.sh not found above " + Path.of("").toAbsolutePath());
        }
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", dir.resolve("scripts/testlab/testhosts.sh").toString(),
                    command, Integer.toString(host)).redirectErrorStream(true);
            builder.environment().put("LAB", LAB.toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("testhosts.sh " + command + " " + host + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
