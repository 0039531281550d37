package org.manilaj.driver;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a file-level copy (a migration between backends) reads or writes a share's files: a Commons VFS
 * URI, {@code file:///...} on this machine or {@code sftp://user@host:port/...} on a storage host, and
 * for SFTP the private key and the pinned host keys to reach it with (never an unchecked host key).
 */
public record ShareFiles(String uri, Path privateKeyFile, Path knownHostsFile) {
    public ShareFiles {
        Objects.requireNonNull(uri, "uri");
        if (uri.startsWith("sftp://") && (privateKeyFile == null || knownHostsFile == null)) {
            throw new IllegalArgumentException("an sftp location needs a private key and a known_hosts file");
        }
    }

    public static ShareFiles local(Path directory) {
        return new ShareFiles(directory.toAbsolutePath().normalize().toUri().toString(), null, null);
    }

    public boolean isLocal() {
        return uri.startsWith("file:");
    }
}
