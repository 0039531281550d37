package org.manilaj.core.db;

import java.util.Collection;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.manilaj.core.model.MetadataItem;

/** Share metadata, loaded for a whole page of shares in one query. */
@RegisterConstructorMapper(MetadataItem.class)
public interface ShareMetadataDao {
    @SqlBatch("INSERT INTO share_metadata (share_id, meta_key, meta_value) VALUES (:shareId, :metaKey, :metaValue)")
    void insert(@org.jdbi.v3.sqlobject.customizer.BindMethods List<MetadataItem> items);

    @SqlQuery("SELECT share_id, meta_key, meta_value FROM share_metadata WHERE share_id IN (<shareIds>)")
    List<MetadataItem> forShares(@BindList("shareIds") Collection<String> shareIds);

    @SqlQuery("SELECT share_id, meta_key, meta_value FROM share_metadata WHERE share_id = :shareId")
    List<MetadataItem> forShare(@Bind("shareId") String shareId);
}
