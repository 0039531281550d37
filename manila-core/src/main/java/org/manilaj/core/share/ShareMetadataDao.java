package org.manilaj.core.share;

import java.util.List;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Share metadata, written with its share (read through {@link ShareReadDao}). */
public interface ShareMetadataDao {
    @SqlBatch("INSERT INTO share_metadata (share_id, meta_key, meta_value) VALUES (:shareId, :metaKey, :metaValue)")
    void insert(@BindMethods List<MetadataItem> items);

    @SqlUpdate("DELETE FROM share_metadata WHERE share_id = :shareId AND meta_key = :metaKey")
    int delete(@Bind("shareId") String shareId, @Bind("metaKey") String metaKey);
}
