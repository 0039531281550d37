package org.manilaj.driver;

/**
 * Creates drivers of one kind ({@code driver: <name>} in a backend's configuration). Implementations
 * are found with {@link java.util.ServiceLoader}.
 */
public interface ShareDriverFactory {

    /** The name operators write in the {@code driver} key of a backend. */
    String name();

    /**
     * Builds a driver for one backend. Binds the backend's options strictly: an unknown or invalid
     * option is an {@link IllegalArgumentException} naming it, so that start-up fails early.
     */
    ShareDriver create(BackendDefinition backend);
}
