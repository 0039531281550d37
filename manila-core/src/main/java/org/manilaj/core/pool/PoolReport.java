package org.manilaj.core.pool;

import java.util.Map;

/** One pool as the pools API shows it: Manila's name parts and its capabilities. */
public record PoolReport(String name, String host, String backend, String pool, Map<String, Object> capabilities) {
}
