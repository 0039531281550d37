package org.manilaj.scheduler.rebalance;

/** A share a plan leaves where it is, and why. */
public record Unmovable(String shareId, String pool, String reason) {
}
