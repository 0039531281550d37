package org.manilaj.core.migration;

import java.util.Map;

/** {@code migration_get_progress}: a percentage of the current pass, and what it is made of. */
public record MigrationProgress(String taskState, int totalProgress, Map<String, Object> details) {
    public MigrationProgress {
        details = Map.copyOf(details);
    }
}
