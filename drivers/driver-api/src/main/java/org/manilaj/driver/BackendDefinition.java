package org.manilaj.driver;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A configured backend as a driver sees it: its name, its driver-specific options (keys as written
 * in the configuration), and its pools with their driver-specific options.
 */
public record BackendDefinition(String name, Map<String, Object> options, List<PoolDefinition> pools) {
    public BackendDefinition {
        Objects.requireNonNull(name, "name");
        options = Map.copyOf(options);
        pools = List.copyOf(pools);
    }

    /** One pool of a backend and its driver-specific options. */
    public record PoolDefinition(String name, Map<String, Object> options) {
        public PoolDefinition {
            Objects.requireNonNull(name, "name");
            options = Map.copyOf(options);
        }
    }
}
