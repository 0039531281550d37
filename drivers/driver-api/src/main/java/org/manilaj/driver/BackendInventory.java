package org.manilaj.driver;

import java.util.Map;
import java.util.Set;

/**
 * What a backend's host holds, as it lists it, for the audit's comparison with the database: the entries of each
 * pool's storage root (a share's data is named by its id), the service's snapshots in each pool
 * ({@code <shareId>@<purpose>-<n>}), and the shares the host exports.
 */
public record BackendInventory(Map<String, Set<String>> entriesByPool, Map<String, Set<String>> snapshotsByPool,
                               Set<String> exports) {
    public BackendInventory {
        entriesByPool = Map.copyOf(entriesByPool);
        snapshotsByPool = Map.copyOf(snapshotsByPool);
        exports = Set.copyOf(exports);
    }
}
