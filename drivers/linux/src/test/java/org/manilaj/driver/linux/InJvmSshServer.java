package org.manilaj.driver.linux;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.KeyPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellFactory;

/**
 * A real SSH server in the test JVM (Apache MINA sshd) that runs every exec request with
 * {@code /bin/sh -c}, as OpenSSH does, on this machine, and keeps every command it received. Key authentication only.
 */
public final class InJvmSshServer implements AutoCloseable {
    final SshServer server;
    final Path clientKey;
    final Path knownHosts;
    final String user = System.getProperty("user.name");
    private final List<String> received = new CopyOnWriteArrayList<>();

    public InJvmSshServer(Path directory) throws IOException, GeneralSecurityException {
        clientKey = directory.resolve("id_rsa");
        Path authorizedKeys = directory.resolve("authorized_keys");
        try {
            KeyPair pair = KeyPair.genKeyPair(new JSch(), KeyPair.RSA, 3072);
            pair.writePrivateKey(clientKey.toString());
            pair.writePublicKey(authorizedKeys.toString(), "manila-test");
            pair.dispose();
        } catch (com.jcraft.jsch.JSchException e) {
            throw new IOException(e);
        }
        Files.setPosixFilePermissions(clientKey, PosixFilePermissions.fromString("rw-------"));

        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(directory.resolve("host_key"));
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(hostKeys);
        server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorizedKeys));
        server.setPasswordAuthenticator(null);
        server.setCommandFactory((channel, command) -> {
            received.add(command);
            return new ProcessShellFactory(command, List.of("/bin/sh", "-c", command)).createShell(channel);
        });
        server.start();

        java.security.KeyPair hostKey = hostKeys.loadKeys(null).iterator().next();
        knownHosts = directory.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic()) + "\n");
    }

    /** Every command received so far, as the client sent it (the shell's input). */
    public List<String> received() {
        return List.copyOf(received);
    }

    public int port() {
        return server.getPort();
    }

    public Path clientKey() {
        return clientKey;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    public String user() {
        return user;
    }

    SshSettings settings(Path knownHostsFile) {
        return new SshSettings("127.0.0.1", server.getPort(), user, clientKey, knownHostsFile, 5, 10, 2);
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
