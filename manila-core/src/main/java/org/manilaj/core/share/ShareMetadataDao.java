package org.manilaj.core.share;

import java.util.List;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;

/** Share metadata, written with its share (read through {@link ShareReadDao}). */
public interface ShareMetadataDao {
    @SqlBatch("INSERT INTO share_metadata (share_id, meta_key, meta_value) VALUES (:shareId, :metaKey, :metaValue)")
    void insert(@BindMethods List<MetadataItem> items);
}
