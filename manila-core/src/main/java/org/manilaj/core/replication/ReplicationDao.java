package org.manilaj.core.replication;

import java.time.Instant;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The share row's side of replication: what follows the active replica. */
public interface ReplicationDao {
    /** The promoted replica's place becomes the share's, and the share is available again. */
    @SqlUpdate("UPDATE shares SET host = :host, availability_zone = :availabilityZone, reserved_gb = :reservedGb,"
            + " status = 'available', updated_at = :now WHERE id = :id AND status = 'replication_change'")
    int takeOver(@Bind("id") String id, @Bind("host") String host, @Bind("availabilityZone") String availabilityZone,
                 @Bind("reservedGb") int reservedGb, @Bind("now") Instant now);

    /** Marks the share as changing replicas, only while it is available. */
    @SqlUpdate("UPDATE shares SET status = 'replication_change', updated_at = :now WHERE id = :id AND status = 'available'")
    int startPromotion(@Bind("id") String id, @Bind("now") Instant now);
}
