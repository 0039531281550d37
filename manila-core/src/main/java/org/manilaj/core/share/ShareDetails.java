package org.manilaj.core.share;

import java.util.List;
import java.util.Map;

/**
 * A share with what its detailed views show besides the row: metadata, export locations, and its
 * replication ({@code replicationType} {@code null} when its type replicates nothing).
 */
public record ShareDetails(Share share, Map<String, String> metadata, List<ExportLocation> exportLocations,
                           String replicationType, boolean hasReplicas) {
    public ShareDetails {
        metadata = Map.copyOf(metadata);
        exportLocations = List.copyOf(exportLocations);
    }

    public ShareDetails(Share share, Map<String, String> metadata, List<ExportLocation> exportLocations) {
        this(share, metadata, exportLocations, null, false);
    }
}
