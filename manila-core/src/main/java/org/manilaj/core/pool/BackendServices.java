package org.manilaj.core.pool;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manila's services, as this service has them: one {@code manila-share} service per configured backend
 * ({@code host} is {@code service_host@backend}), up while its stats job reports, enabled unless an admin
 * disabled it. A disabled backend keeps serving its shares but gets no new shares, replicas or migrations.
 */
public final class BackendServices {
    public static final String BINARY = "manila-share";
    private static final Logger LOG = LoggerFactory.getLogger(BackendServices.class);

    /** One service as {@code GET /v2/services} lists it; {@code id} is the backend's place in the configuration. */
    public record Service(int id, String binary, String host, String zone, String status, String state,
                          Instant updatedAt, String disabledReason) {
        public boolean disabled() {
            return "disabled".equals(status);
        }
    }

    /** What {@code GET /v2/services} may filter on; {@code null} matches everything. */
    public record Filter(String host, String binary, String zone, String state, String status) {
        boolean matches(Service service) {
            return (host == null || host.equals(service.host())) && (binary == null || binary.equals(service.binary()))
                    && (zone == null || zone.equals(service.zone())) && (state == null || state.equals(service.state()))
                    && (status == null || status.equals(service.status()));
        }
    }

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PoolHealth health;
    private final Function<BackendRegistry.PoolEntry, String> zoneOf;
    private final Clock clock;
    /** Told when a backend was disabled or enabled (placement then reads the pools afresh). */
    private final Runnable changed;

    public BackendServices(Jdbi jdbi, BackendRegistry registry, PoolHealth health,
                           Function<BackendRegistry.PoolEntry, String> zoneOf, Runnable changed, Clock clock) {
        this.changed = changed;
        this.jdbi = jdbi;
        this.registry = registry;
        this.health = health;
        this.zoneOf = zoneOf;
        this.clock = clock;
    }

    public List<Service> list(RequestContext context, Filter filter) {
        requireAdmin(context, "index");
        Map<String, PoolDao.BackendRow> rows = new LinkedHashMap<>();
        jdbi.withExtension(PoolDao.class, PoolDao::backends).forEach(row -> rows.put(row.name(), row));
        Map<String, BackendRegistry.PoolEntry> firstPools = new LinkedHashMap<>();
        registry.pools().forEach(pool -> firstPools.putIfAbsent(pool.backend(), pool));
        List<Service> services = new ArrayList<>();
        int id = 0;
        for (BackendRegistry.PoolEntry pool : firstPools.values()) {
            id++;
            PoolDao.BackendRow row = rows.get(pool.backend());
            boolean disabled = row != null && row.disabled();
            Instant reported = row == null ? null : row.statsUpdatedAt();
            // down when its stats stopped or its last attempt failed (placement skips it then too)
            boolean up = health.isUp(reported) && (row == null || row.statsError() == null);
            Service service = new Service(id, BINARY, host(pool.backend()), zoneOf.apply(pool),
                    disabled ? "disabled" : "enabled", up ? "up" : "down", reported, disabled ? row.disabledReason() : null);
            if (filter.matches(service)) {
                services.add(service);
            }
        }
        return services;
    }

    /** Disables ({@code disabled}) or enables the backend {@code host} names; returns the service as it is then. */
    public Service setDisabled(RequestContext context, String host, String binary, boolean disabled, String reason) {
        requireAdmin(context, disabled ? "disable" : "enable");
        if (host == null || host.isBlank() || binary == null || binary.isBlank()) {
            throw ManilaException.badRequest("'host' and 'binary' are required.");
        }
        if (reason != null && (!disabled || reason.length() > 255)) {
            throw ManilaException.badRequest(disabled ? "disabled_reason: at most 255 characters."
                    : "disabled_reason is only for a disable.");
        }
        String prefix = registry.serviceHost() + "@";
        String backend = host.startsWith(prefix) ? host.substring(prefix.length()) : null;
        if (!BINARY.equals(binary) || backend == null
                || jdbi.withExtension(PoolDao.class, dao -> dao.setDisabled(backend, disabled, reason, clock.instant())) == 0) {
            throw ManilaException.notFound("Service " + binary + " on host " + host + " could not be found.");
        }
        changed.run();
        LOG.warn("backend {} {} by {}{}", backend, disabled ? "disabled" : "enabled", context.userId(),
                reason == null ? "" : ": " + reason);
        return list(context, new Filter(host, binary, null, null, null)).get(0);
    }

    private String host(String backend) {
        return registry.serviceHost() + "@" + backend;
    }

    private static void requireAdmin(RequestContext context, String action) {
        if (!context.admin()) {
            throw ManilaException.forbidden("Policy doesn't allow service:" + action + " to be performed.");
        }
    }
}
