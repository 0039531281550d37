package org.manilaj.core.model;

/** The sum of the sizes of the shares placed on one pool. */
public record PoolUsage(String host, long provisionedGb) {
}
