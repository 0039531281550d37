package org.manilaj.csi.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One small JSON file per published target path in the state directory, written (atomically) before the
 * mount and removed after the unmount: after a plugin restart, the records still say what each mount is.
 */
final class PublishRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;

    PublishRecords(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state directory " + directory, e);
        }
    }

    Optional<PublishRecord> find(Path target) {
        Path file = fileOf(target);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), PublishRecord.class));
        } catch (IOException e) {
            return Optional.empty(); // a torn write from a crash: treat as unknown
        }
    }

    void save(PublishRecord record) {
        Path file = fileOf(Path.of(record.targetPath()));
        try {
            Path temporary = Files.createTempFile(directory, ".publish", ".tmp");
            Files.write(temporary, JSON.writeValueAsBytes(record));
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void remove(Path target) {
        try {
            Files.deleteIfExists(fileOf(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path fileOf(Path target) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    target.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(digest) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
