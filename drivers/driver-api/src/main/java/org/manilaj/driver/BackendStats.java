package org.manilaj.driver;

import java.util.List;

/** What a backend reports about its pools at one moment. */
public record BackendStats(List<PoolStats> pools) {
    public BackendStats {
        pools = List.copyOf(pools);
    }
}
