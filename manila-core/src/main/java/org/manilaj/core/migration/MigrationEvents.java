package org.manilaj.core.migration;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.manilaj.core.events.Events;
import org.manilaj.core.share.Share;

/** A migration's events ({@code migration.start}, {@code .complete}, {@code .cancel}, {@code .error}), in its transactions. */
final class MigrationEvents {

    private MigrationEvents() {
    }

    static void record(Handle handle, String type, Share share, ShareMigration migration, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("migration_id", migration.id());
        data.put("source", migration.sourceHost());
        data.put("destination", migration.destHost());
        data.put("size", share.sizeGb());
        if (migration.error() != null && type.endsWith(".error")) {
            data.put("error", migration.error());
        }
        Events.record(handle, type, share.id(), share.projectId(), data, at);
    }
}
