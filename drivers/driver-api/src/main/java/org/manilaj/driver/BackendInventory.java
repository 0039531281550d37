package org.manilaj.driver;

import java.util.List;
import java.util.Set;

/**
 * What a backend's host holds, as it lists it, for the audit's comparison with the database.
 *
 * @param areas each storage root with the pools that keep their shares in it (several may share one)
 * @param exports the shares the host has export files for
 */
public record BackendInventory(List<Area> areas, Set<String> exports) {
    public BackendInventory {
        areas = List.copyOf(areas);
        exports = Set.copyOf(exports);
    }

    /**
     * One storage root.
     *
     * @param pools the pools whose shares live in it
     * @param directories the real directories in it (not links), by name: a share's data is named by its id
     * @param others every other entry (files, links, hidden entries, names with unusual characters shown as {@code ?})
     * @param snapshots the service's snapshots in it ({@code <shareId>@<purpose>-<n>})
     */
    public record Area(Set<String> pools, Set<String> directories, Set<String> others, Set<String> snapshots) {
        public Area {
            pools = Set.copyOf(pools);
            directories = Set.copyOf(directories);
            others = Set.copyOf(others);
            snapshots = Set.copyOf(snapshots);
        }
    }
}
