package org.manilaj.core.copy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Supplier;
import org.manilaj.driver.ByteStream;

/**
 * Moves one command's output into another's input through this process (a snapshot sent into a receive, an
 * archive into an extract), counting the bytes, then waits for both to end well. Either side failing stops
 * both; a failure of the receiving side is reported in its own words.
 */
public final class StreamRelay {
    /**
     * Below glibc's mmap threshold: on a local process's pipe the JDK allocates a native buffer of the requested length
     * for every read and write, and a megabyte was mapped and faulted in each time (a probe relaying 1 GiB between two
     * local processes: 1.4-1.6 s with 1 MiB, 0.7-1.1 s with 64 KiB). Over SSH the streams are jsch's, in the JVM.
     */
    private static final int BUFFER = 64 << 10;
    /** How long a side may take to end once the stream has gone through (a receive commits what it wrote). */
    private static final Duration END = Duration.ofMinutes(10);

    private StreamRelay() {
    }

    /** Starts {@code from}, then {@code to}, relays one into the other (both closed at the end): the bytes moved. */
    public static long relay(Supplier<ByteStream> source, Supplier<ByteStream> target, PassControl control) {
        try (ByteStream from = source.get(); ByteStream to = target.get()) {
            control.closeOnStop(from);
            control.closeOnStop(to);
            long copied = copy(from, to, control);
            control.progress(copied); // a stream the heartbeat closed may read as a plain end: never taken for one
            from.await(END);
            to.await(END);
            return copied;
        }
    }

    private static long copy(ByteStream from, ByteStream to, PassControl control) {
        byte[] buffer = new byte[BUFFER];
        long copied = 0;
        InputStream in = from.output();
        OutputStream out = to.input();
        try {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                try {
                    out.write(buffer, 0, read);
                } catch (IOException e) {
                    from.close();
                    to.await(Duration.ofSeconds(30)); // throws with the receiving side's error output
                    throw e;
                }
                copied += read;
                control.progress(copied);
            }
            out.flush();
            return copied;
        } catch (IOException e) {
            throw new UncheckedIOException("relaying the stream: " + e.getMessage(), e);
        }
    }
}
