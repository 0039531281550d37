package org.manilaj.csi.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Bytes and inodes of the file system mounted at a path, from statfs ({@code stat -f}). */
record VolumeStats(long totalBytes, long availableBytes, long usedBytes, long totalInodes, long freeInodes,
                   long usedInodes) {

    static VolumeStats of(Path path) {
        // %S fundamental block size, %b total blocks, %f free blocks, %a blocks free to users, %c inodes, %d free inodes
        Commands.Result result = Commands.run(List.of("stat", "-f", "-c", "%S %b %f %a %c %d", "--", path.toString()),
                Duration.ofSeconds(30));
        if (!result.succeeded()) {
            throw new MountFailedException("stat -f " + path + ": " + result.output());
        }
        String[] fields = result.output().trim().split("\\s+");
        long blockSize = Long.parseLong(fields[0]);
        long blocks = Long.parseLong(fields[1]);
        long free = Long.parseLong(fields[2]);
        long available = Long.parseLong(fields[3]);
        long inodes = Long.parseLong(fields[4]);
        long freeInodes = Long.parseLong(fields[5]);
        return new VolumeStats(blocks * blockSize, available * blockSize, (blocks - free) * blockSize, inodes, freeInodes,
                Math.max(0, inodes - freeInodes));
    }
}
