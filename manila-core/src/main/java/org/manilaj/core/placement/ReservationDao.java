package org.manilaj.core.placement;

import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The statements of a reservation ({@link CapacityLedger}). Apart from the pools' DAO because attaching a SqlObject
 * costs JDBI a copy of its configuration per method, and every new share makes a reservation.
 */
public interface ReservationDao {
    /** What the capacity rule needs of one pool, read just before a reservation. */
    record Capacity(Double totalCapacityGb, Double freeCapacityGb, long allocatedCapacityGb) {
    }

    /**
     * Locks the pool's backend row until the transaction ends, and says whether the backend is disabled: a disable
     * (or a drain's) waits for the reservation, or the reservation for the disable. Backend before pool, always (the
     * stats job too), so that none deadlocks. Empty for a pool that is not recorded.
     */
    @SqlQuery("SELECT disabled FROM backends WHERE name = (SELECT backend FROM pools WHERE name = :pool) FOR UPDATE")
    Optional<Boolean> lockBackendOf(@Bind("pool") String pool);

    @SqlQuery("SELECT total_capacity_gb, free_capacity_gb, allocated_capacity_gb FROM pools WHERE name = :name")
    @RegisterConstructorMapper(Capacity.class)
    Optional<Capacity> capacity(@Bind("name") String name);

    /**
     * Adds {@code size} to the pool's allocation only if nothing changed since it was read as
     * {@code seen}: the compare-and-set half of {@code CapacityLedger.reserve}. Zero rows: re-read and decide again.
     */
    @SqlUpdate("UPDATE pools SET allocated_capacity_gb = allocated_capacity_gb + :size WHERE name = :name"
            + " AND allocated_capacity_gb = :seen.allocatedCapacityGb"
            + " AND total_capacity_gb IS NOT DISTINCT FROM :seen.totalCapacityGb"
            + " AND free_capacity_gb IS NOT DISTINCT FROM :seen.freeCapacityGb")
    int addIfUnchanged(@Bind("name") String name, @Bind("size") int size, @BindMethods("seen") Capacity seen);
}
