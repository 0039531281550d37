package org.manilaj.core.quota;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ErrorCategory;
import org.manilaj.core.ManilaException;
import org.manilaj.core.db.DuplicateKeys;

/**
 * Per-project quotas with Manila's keys and semantics. Usage is reserved in the same transaction as the
 * share row it accounts for, with a conditional UPDATE, so that it stays exact under concurrency.
 *
 * <p>Lock order: a transaction that changes both a project's quota rows and a pool's row (a create request that
 * reserves its pool, a delete's or resize's record) takes the quota rows first, then the backend's and the pool's;
 * the other order, against a create of the same project on the same pool, deadlocks on PostgreSQL.
 */
public final class QuotaService {
    private final Jdbi jdbi;
    private final Map<QuotaResource, Long> defaults;
    /** Projects whose usage rows exist (they are never deleted), so that creates skip the check. */
    private final Set<String> prepared = ConcurrentHashMap.newKeySet();

    /** @param configured defaults that replace Manila's, by key; may be empty */
    public QuotaService(Jdbi jdbi, Map<String, Long> configured) {
        this.jdbi = jdbi;
        this.defaults = new EnumMap<>(QuotaResource.class);
        for (QuotaResource resource : QuotaResource.values()) {
            defaults.put(resource, configured.getOrDefault(resource.key(), resource.defaultLimit()));
        }
        configured.keySet().forEach(key -> QuotaResource.byKey(key)
                .orElseThrow(() -> new IllegalArgumentException("quotas: unknown quota " + key)));
    }

    /** Limit and usage of one resource. */
    public record Usage(long limit, long inUse) {
    }

    public Map<QuotaResource, Long> defaults() {
        return new EnumMap<>(defaults);
    }

    public Map<QuotaResource, Long> limits(String projectId) {
        return jdbi.withHandle(handle -> limits(handle, projectId));
    }

    private Map<QuotaResource, Long> limits(Handle handle, String projectId) {
        Map<QuotaResource, Long> limits = defaults();
        handle.attach(QuotaDao.class).limits(projectId).forEach(limit ->
                QuotaResource.byKey(limit.resource()).ifPresent(resource -> limits.put(resource, limit.amount())));
        return limits;
    }

    public Map<QuotaResource, Usage> detail(String projectId) {
        Map<QuotaResource, Long> limits = limits(projectId);
        Map<QuotaResource, Long> used = new EnumMap<>(QuotaResource.class);
        jdbi.useExtension(QuotaDao.class, quotas -> quotas.usages(projectId).forEach(usage ->
                QuotaResource.byKey(usage.resource()).ifPresent(resource -> used.put(resource, usage.amount()))));
        Map<QuotaResource, Usage> detail = new EnumMap<>(QuotaResource.class);
        limits.forEach((resource, limit) -> detail.put(resource, new Usage(limit, used.getOrDefault(resource, 0L))));
        return detail;
    }

    /** The most GiB the quotas let one new share of the project have now, or -1 when they set no bound. */
    public long largestNewShareGib(String projectId) {
        Map<QuotaResource, Usage> detail = detail(projectId);
        Usage shares = detail.get(QuotaResource.SHARES);
        if (shares != null && shares.limit() >= 0 && shares.inUse() >= shares.limit()) {
            return 0;
        }
        long largest = -1;
        Usage gigabytes = detail.get(QuotaResource.GIGABYTES);
        if (gigabytes != null && gigabytes.limit() >= 0) {
            largest = Math.max(0, gigabytes.limit() - gigabytes.inUse());
        }
        Usage perShare = detail.get(QuotaResource.PER_SHARE_GIGABYTES);
        if (perShare != null && perShare.limit() >= 0) {
            largest = largest < 0 ? perShare.limit() : Math.min(largest, perShare.limit());
        }
        return largest;
    }

    /** Sets limits; a limit below what is in use is refused, as in Manila. */
    public Map<QuotaResource, Long> update(String projectId, Map<QuotaResource, Long> changes) {
        Map<QuotaResource, Usage> current = detail(projectId);
        changes.forEach((resource, limit) -> {
            if (limit < -1) {
                throw ManilaException.badRequest("Quota limit " + limit + " for " + resource.key() + " must be -1 or greater.");
            }
            long inUse = current.get(resource).inUse();
            if (limit >= 0 && limit < inUse) {
                throw ManilaException.badRequest("Quota limit " + limit + " for " + resource.key()
                        + " must be greater than or equal to already used and reserved " + inUse + ".");
            }
        });
        jdbi.useTransaction(handle -> {
            QuotaDao quotas = handle.attach(QuotaDao.class);
            changes.forEach((resource, limit) -> {
                // update, else insert; an insert that loses to a concurrent one becomes an update
                if (quotas.updateLimit(projectId, resource.key(), limit) == 0
                        && !DuplicateKeys.insertUnlessPresent(handle, () -> quotas.insertLimit(projectId, resource.key(), limit))) {
                    quotas.updateLimit(projectId, resource.key(), limit);
                }
            });
        });
        return limits(projectId);
    }

    public void reset(String projectId) {
        jdbi.useExtension(QuotaDao.class, quotas -> quotas.deleteLimits(projectId));
    }

    /** Creates the project's usage rows once, outside any caller's transaction (a lost insert race is fine). */
    public void prepare(String projectId) {
        if (prepared.contains(projectId)) {
            return;
        }
        for (QuotaResource resource : new QuotaResource[] {QuotaResource.SHARES, QuotaResource.GIGABYTES,
                QuotaResource.SHARE_REPLICAS, QuotaResource.REPLICA_GIGABYTES}) {
            if (jdbi.withExtension(QuotaDao.class, quotas -> quotas.countUsage(projectId, resource.key())) == 0) {
                // another request may insert it first: the primary key decides
                jdbi.useHandle(handle -> DuplicateKeys.insertUnlessPresent(handle,
                        () -> handle.attach(QuotaDao.class).insertUsage(projectId, resource.key())));
            }
        }
        prepared.add(projectId);
    }

    /** Reserves one share of {@code sizeGb} in the caller's transaction, or throws 413 overLimit. */
    public void reserveShare(Handle handle, String projectId, int sizeGb) {
        Map<QuotaResource, Long> limits = limits(handle, projectId);
        long perShare = limits.get(QuotaResource.PER_SHARE_GIGABYTES);
        if (perShare >= 0 && sizeGb > perShare) {
            throw overLimit("Share size " + sizeGb + " GiB exceeds the per-share limit of " + perShare + " GiB.");
        }
        QuotaDao quotas = handle.attach(QuotaDao.class);
        if (quotas.add(projectId, QuotaResource.SHARES.key(), 1, limits.get(QuotaResource.SHARES)) == 0) {
            throw overLimit("Maximum number of shares allowed (" + limits.get(QuotaResource.SHARES) + ") exceeded.");
        }
        if (quotas.add(projectId, QuotaResource.GIGABYTES.key(), sizeGb, limits.get(QuotaResource.GIGABYTES)) == 0) {
            throw overLimit("Requested share exceeds allowed project/user or share type gigabytes quota.");
        }
    }

    /**
     * Reserves an extend's extra gigabytes in the caller's transaction; over quota is a 403, as Manila
     * answers extends.
     */
    public void reserveGigabytes(Handle handle, String projectId, int currentSize, int newSize) {
        Map<QuotaResource, Long> limits = limits(handle, projectId);
        long perShare = limits.get(QuotaResource.PER_SHARE_GIGABYTES);
        if (perShare >= 0 && newSize > perShare) {
            throw ManilaException.forbidden("Share size " + newSize + " GiB exceeds the per-share limit of " + perShare + " GiB.");
        }
        if (handle.attach(QuotaDao.class).add(projectId, QuotaResource.GIGABYTES.key(), newSize - currentSize,
                limits.get(QuotaResource.GIGABYTES)) == 0) {
            throw ManilaException.forbidden("Requested share exceeds allowed project/user or share type gigabytes quota.");
        }
    }

    /**
     * Reserves one replica of {@code sizeGb} in the caller's transaction (a replicated share's first, active
     * replica counts, as in Manila), or throws 413 overLimit.
     */
    public void reserveReplica(Handle handle, String projectId, int sizeGb) {
        Map<QuotaResource, Long> limits = limits(handle, projectId);
        QuotaDao quotas = handle.attach(QuotaDao.class);
        if (quotas.add(projectId, QuotaResource.SHARE_REPLICAS.key(), 1, limits.get(QuotaResource.SHARE_REPLICAS)) == 0) {
            throw overLimit("Maximum number of share replicas allowed (" + limits.get(QuotaResource.SHARE_REPLICAS)
                    + ") exceeded.");
        }
        if (quotas.add(projectId, QuotaResource.REPLICA_GIGABYTES.key(), sizeGb,
                limits.get(QuotaResource.REPLICA_GIGABYTES)) == 0) {
            throw overLimit("Requested replica exceeds allowed project replica gigabytes quota.");
        }
    }

    /** Reserves {@code gigabytes} more of replica_gigabytes (a replicated share's extend), or throws 403 as extends do. */
    public void reserveReplicaGigabytes(Handle handle, String projectId, long gigabytes) {
        Map<QuotaResource, Long> limits = limits(handle, projectId);
        if (handle.attach(QuotaDao.class).add(projectId, QuotaResource.REPLICA_GIGABYTES.key(), gigabytes,
                limits.get(QuotaResource.REPLICA_GIGABYTES)) == 0) {
            throw ManilaException.forbidden("Requested share exceeds allowed project replica gigabytes quota.");
        }
    }

    /** Gives back {@code gigabytes} of replica_gigabytes in the caller's transaction. */
    public void releaseReplicaGigabytes(Handle handle, String projectId, long gigabytes) {
        if (gigabytes > 0) {
            handle.attach(QuotaDao.class).add(projectId, QuotaResource.REPLICA_GIGABYTES.key(), -gigabytes, -1);
        }
    }

    /** Gives back one replica of {@code sizeGb} in the caller's transaction. */
    public void releaseReplica(Handle handle, String projectId, int sizeGb) {
        QuotaDao quotas = handle.attach(QuotaDao.class);
        quotas.add(projectId, QuotaResource.SHARE_REPLICAS.key(), -1, -1);
        quotas.add(projectId, QuotaResource.REPLICA_GIGABYTES.key(), -sizeGb, -1);
    }

    /** Gives back usage in the caller's transaction (a deleted share: 1 share and its size). */
    public void release(Handle handle, String projectId, int shares, int gigabytes) {
        QuotaDao quotas = handle.attach(QuotaDao.class);
        if (shares > 0) {
            quotas.add(projectId, QuotaResource.SHARES.key(), -shares, -1);
        }
        if (gigabytes > 0) {
            quotas.add(projectId, QuotaResource.GIGABYTES.key(), -gigabytes, -1);
        }
    }

    private static ManilaException overLimit(String message) {
        return new ManilaException(ErrorCategory.OVER_LIMIT, message);
    }
}
