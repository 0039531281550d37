package org.manilaj.driver;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A command running on a backend's host whose standard input or output carries a stream of bytes (a
 * snapshot sent or received). Read {@link #output()} or write {@link #input()}, then {@link #await} its end;
 * {@link #close()} stops it if it has not ended.
 */
public interface ByteStream extends AutoCloseable {

    InputStream output();

    OutputStream input();

    /**
     * Closes the command's input and waits at most {@code timeout} for it to end.
     *
     * @throws DriverException when it ended with a failure (its error output in the message) or in time
     */
    void await(Duration timeout);

    /** Stops the command if it still runs, and releases its connection. */
    @Override
    void close();
}
