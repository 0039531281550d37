package org.manilaj.core.share;

import java.util.List;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Export locations recorded when a share becomes available (read through {@link ShareReadDao}). */
public interface ExportLocationDao {
    @SqlBatch("INSERT INTO export_locations (id, share_id, path, preferred, is_admin_only, created_at)"
            + " VALUES (:id, :shareId, :path, :preferred, :isAdminOnly, :createdAt)")
    void insert(@BindMethods List<ExportLocation> locations);

    @SqlUpdate("DELETE FROM export_locations WHERE share_id = :shareId")
    void deleteForShare(@Bind("shareId") String shareId);
}
