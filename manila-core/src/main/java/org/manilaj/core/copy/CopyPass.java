package org.manilaj.core.copy;

import java.time.Duration;

/**
 * What one copy pass did. {@code bytesChanged} leaves out bytes copied again only because an earlier copy
 * was not trusted; {@code files} is -1 for an engine that moves a stream rather than files; {@code cursor} is
 * where the next pass starts from (the engine's own format, {@code null} when it needs none); {@code rootMode}
 * the mode of the source's top directory as the pass saw it (octal), when the engine must set it at the end.
 */
public record CopyPass(long bytesCopied, long bytesChanged, long bytesTotal, int filesCopied, int files, Duration took,
                String cursor, String rootMode) {

    public long rateBytesPerS() {
        long millis = Math.max(1, took.toMillis());
        return bytesCopied * 1000 / millis;
    }
}
