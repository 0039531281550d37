package org.manilaj.core.audit;

/**
 * One thing the audit found where the database and the backends disagree.
 *
 * @param kind what it is ({@code orphan_share}, {@code missing_share}, {@code orphan_export}, {@code leftover_snapshot},
 *             {@code unknown_entry}, {@code pool_books}, {@code quota_usage}, {@code backend_unreachable})
 * @param where the pool, backend or project it concerns
 * @param subject the share, snapshot, entry or quota resource
 * @param detail what was seen
 * @param action what an operator should do (or what {@code --fix} did)
 * @param fixed whether {@code --fix} removed it
 */
public record Finding(String kind, String where, String subject, String detail, String action, boolean fixed) {
    Finding fixedBy(String what) {
        return new Finding(kind, where, subject, detail, what, true);
    }
}
