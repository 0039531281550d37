package org.manilaj.driver.linux;

import java.time.Duration;
import java.util.List;

/** Total and available bytes of the file system holding a directory, read with {@code df}. */
record FileSystemUsage(long totalBytes, long availableBytes) {

    static FileSystemUsage of(RemoteHost host, String directory, Duration timeout) {
        String out = host.run(List.of("df", "-P", "-B1", "--", directory), timeout).orThrow(host.describe()).stdout();
        String[] lines = out.strip().split("\n");
        String[] fields = lines[lines.length - 1].trim().split("\\s+");
        if (fields.length < 6) {
            throw new CommandFailedException(host.describe() + ": unexpected df output: " + out);
        }
        return new FileSystemUsage(Long.parseLong(fields[1]), Long.parseLong(fields[3]));
    }
}
