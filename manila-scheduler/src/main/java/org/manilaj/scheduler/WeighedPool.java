package org.manilaj.scheduler;

/** A pool that passed every filter, with its combined weight (higher is better). */
public record WeighedPool(PoolState pool, double weight) {
}
