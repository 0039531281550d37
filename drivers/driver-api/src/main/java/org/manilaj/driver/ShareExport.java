package org.manilaj.driver;

import java.util.List;

/** The export locations of a created share. */
public record ShareExport(List<ExportPath> locations) {
    public ShareExport {
        locations = List.copyOf(locations);
        if (locations.isEmpty()) {
            throw new IllegalArgumentException("a share needs at least one export location");
        }
    }
}
