package org.manilaj.core.pool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import org.manilaj.core.config.BackendConfig;
import org.manilaj.core.config.PoolConfig;
import org.manilaj.driver.BackendDefinition;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareDriverFactory;

/** The configured backends, their drivers and pools, by Manila's {@code host@backend#pool} names. */
public final class BackendRegistry implements AutoCloseable {
    /** One configured pool and the driver of its backend. */
    /** @param replicationDomain the backend's replication domain, or {@code null} when it replicates nothing */
    public record PoolEntry(String fullName, String backend, String pool, PoolConfig config, ShareDriver driver,
                            String replicationDomain) {
    }

    private final String serviceHost;
    private final Map<String, ShareDriver> drivers = new LinkedHashMap<>();
    private final Map<String, String> driverNames = new LinkedHashMap<>();
    private final Map<String, PoolEntry> pools = new LinkedHashMap<>();

    public BackendRegistry(String serviceHost, List<BackendConfig> backends, Map<String, ShareDriverFactory> factories) {
        this.serviceHost = Objects.requireNonNull(serviceHost, "serviceHost");
        try {
            for (BackendConfig backend : backends) {
                register(backend, factories);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Finds driver factories on the class path with {@link ServiceLoader}. */
    public static BackendRegistry load(String serviceHost, List<BackendConfig> backends) {
        Map<String, ShareDriverFactory> factories = new HashMap<>();
        ServiceLoader.load(ShareDriverFactory.class).forEach(factory -> factories.put(factory.name(), factory));
        return new BackendRegistry(serviceHost, backends, factories);
    }

    private void register(BackendConfig backend, Map<String, ShareDriverFactory> factories) {
        String problem = backend.validate();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (drivers.containsKey(backend.name())) {
            throw new IllegalArgumentException("backend " + backend.name() + " is configured twice");
        }
        ShareDriverFactory factory = factories.get(backend.driver());
        if (factory == null) {
            throw new IllegalArgumentException("backends[" + backend.name() + "].driver: unknown driver " + backend.driver()
                    + "; known: " + factories.keySet());
        }
        List<BackendDefinition.PoolDefinition> poolDefinitions = new ArrayList<>();
        for (PoolConfig pool : backend.pools()) {
            poolDefinitions.add(new BackendDefinition.PoolDefinition(pool.name(), withoutNulls(pool.driverOptions())));
        }
        ShareDriver driver = factory.create(new BackendDefinition(backend.name(), withoutNulls(backend.driverOptions()), poolDefinitions));
        drivers.put(backend.name(), driver);
        driverNames.put(backend.name(), backend.driver());
        for (PoolConfig pool : backend.pools()) {
            String fullName = poolName(serviceHost, backend.name(), pool.name());
            if (pools.putIfAbsent(fullName, new PoolEntry(fullName, backend.name(), pool.name(), pool, driver,
                    backend.replicationDomain())) != null) {
                throw new IllegalArgumentException("pool " + fullName + " is configured twice");
            }
        }
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> options) {
        Map<String, Object> copy = new LinkedHashMap<>();
        options.forEach((key, value) -> {
            if (value != null) {
                copy.put(key, value);
            }
        });
        return copy;
    }

    public static String poolName(String host, String backend, String pool) {
        return host + "@" + backend + "#" + pool;
    }

    public String serviceHost() {
        return serviceHost;
    }

    public Optional<PoolEntry> pool(String fullName) {
        return Optional.ofNullable(fullName).map(pools::get);
    }

    public Collection<PoolEntry> pools() {
        return pools.values();
    }

    /** Drivers by backend name. */
    public Map<String, ShareDriver> drivers() {
        return drivers;
    }

    /** Each backend's connections to its host in use now, by backend name. */
    public Map<String, Integer> connectionsInUse() {
        Map<String, Integer> inUse = new java.util.TreeMap<>();
        drivers.forEach((backend, driver) -> inUse.put(backend, driver.connectionsInUse()));
        return inUse;
    }

    /** The {@code driver} setting of a backend. */
    public String driverName(String backend) {
        return driverNames.get(backend);
    }

    @Override
    public void close() {
        drivers.values().forEach(ShareDriver::close);
    }
}
