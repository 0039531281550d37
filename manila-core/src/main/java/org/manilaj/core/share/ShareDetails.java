package org.manilaj.core.share;

import java.util.List;
import java.util.Map;

/** A share with what its detailed views show besides the row: metadata and export locations. */
public record ShareDetails(Share share, Map<String, String> metadata, List<ExportLocation> exportLocations) {
    public ShareDetails {
        metadata = Map.copyOf(metadata);
        exportLocations = List.copyOf(exportLocations);
    }
}
