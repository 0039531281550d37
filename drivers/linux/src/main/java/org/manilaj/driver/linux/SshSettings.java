package org.manilaj.driver.linux;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a storage host over SSH. Key authentication only; the host key must already be in
 * {@code known_hosts_file} (host key checking cannot be turned off).
 *
 * @param connectTimeout seconds to connect and authenticate
 * @param commandTimeout seconds one command may run
 * @param maxSessions SSH sessions kept open to the host and used in parallel
 * @param sudo the user is not root: every command runs through {@code sudo -n}, scripts from {@code scriptDir}
 * @param scriptDir where {@link HostScripts#install} put the driver's scripts on the host (with {@code sudo})
 */
public record SshSettings(
        @JsonProperty("host") String host,
        @JsonProperty("port") Integer port,
        @JsonProperty("user") String user,
        @JsonProperty("private_key_file") Path privateKeyFile,
        @JsonProperty("known_hosts_file") Path knownHostsFile,
        @JsonProperty("connect_timeout") Integer connectTimeout,
        @JsonProperty("command_timeout") Integer commandTimeout,
        @JsonProperty("max_sessions") Integer maxSessions,
        @JsonProperty("sudo") Boolean sudo,
        @JsonProperty("script_dir") String scriptDir) {

    public static final String DEFAULT_SCRIPT_DIR = "/usr/local/libexec/manila-j";

    public SshSettings(String host, Integer port, String user, Path privateKeyFile, Path knownHostsFile,
                       Integer connectTimeout, Integer commandTimeout, Integer maxSessions) {
        this(host, port, user, privateKeyFile, knownHostsFile, connectTimeout, commandTimeout, maxSessions, false, null);
    }

    public SshSettings {
        require(host, "ssh.host");
        require(user, "ssh.user");
        require(privateKeyFile, "ssh.private_key_file");
        require(knownHostsFile, "ssh.known_hosts_file");
        port = Objects.requireNonNullElse(port, 22);
        connectTimeout = Objects.requireNonNullElse(connectTimeout, 10);
        commandTimeout = Objects.requireNonNullElse(commandTimeout, 60);
        maxSessions = Objects.requireNonNullElse(maxSessions, 4);
        sudo = Objects.requireNonNullElse(sudo, false);
        scriptDir = Objects.requireNonNullElse(scriptDir, DEFAULT_SCRIPT_DIR);
        StoragePaths.requireAbsolute(scriptDir, "ssh.script_dir");
        if (port < 1 || port > 65535 || connectTimeout < 1 || commandTimeout < 1 || maxSessions < 1) {
            throw new IllegalArgumentException("ssh: port, timeouts and max_sessions must be positive");
        }
        if (!host.matches("[A-Za-z0-9.:\\-\\[\\]]+") || !user.matches("[A-Za-z_][A-Za-z0-9_.\\-]*")) {
            throw new IllegalArgumentException("ssh.host or ssh.user contains characters that are not allowed");
        }
    }

    private static void require(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    public Duration connectTimeoutDuration() {
        return Duration.ofSeconds(connectTimeout);
    }

    public Duration commandTimeoutDuration() {
        return Duration.ofSeconds(commandTimeout);
    }
}
