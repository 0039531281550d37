package org.manilaj.api.metrics;

import com.codahale.metrics.health.HealthCheck;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.pool.PoolHealth;

/**
 * One backend on {@code /healthcheck}: healthy while its stats job reaches its host (over SSH for a remote one) and
 * reports within the service-down time; unhealthy with the stats job's last error otherwise.
 */
public final class BackendHealthCheck extends HealthCheck {
    private final Jdbi jdbi;
    private final PoolHealth health;
    private final String backend;

    public BackendHealthCheck(Jdbi jdbi, PoolHealth health, String backend) {
        this.jdbi = jdbi;
        this.health = health;
        this.backend = backend;
    }

    @Override
    protected Result check() {
        Optional<PoolDao.BackendRow> row = jdbi.withExtension(PoolDao.class, PoolDao::backends).stream()
                .filter(candidate -> candidate.name().equals(backend)).findFirst();
        if (row.isEmpty()) {
            return Result.unhealthy("backend " + backend + " is not registered yet");
        }
        if (row.get().statsError() != null) {
            return Result.unhealthy("stats of " + backend + " failed: " + row.get().statsError());
        }
        if (!health.isUp(row.get().statsUpdatedAt())) {
            return Result.unhealthy("no stats from " + backend + " since " + row.get().statsUpdatedAt());
        }
        return Result.healthy("stats of " + backend + " reported at " + row.get().statsUpdatedAt());
    }
}
