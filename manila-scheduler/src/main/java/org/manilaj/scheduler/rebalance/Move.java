package org.manilaj.scheduler.rebalance;

/** One share moved from one pool to another, with both pools' utilisation before and after it. */
public record Move(String shareId, int sizeGb, String from, String to, double fromBefore, double fromAfter,
                   double toBefore, double toAfter) {
}
