package org.manilaj.core.share;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.access.AccessRules;
import org.manilaj.core.hooks.PreHooks;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.replication.ReplicaDao;
import org.manilaj.core.replication.ReplicationType;
import org.manilaj.core.replication.ShareReplica;
import org.manilaj.core.types.ShareType;
import org.manilaj.core.types.ShareTypeAccess;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.Operation;
import org.manilaj.core.work.OperationDao;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.OperationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Share requests from tenants: each records its intent in one transaction and leaves the storage
 * work to the {@link OperationRunner}.
 */
public final class ShareService {
    private static final Logger LOG = LoggerFactory.getLogger(ShareService.class);
    private static final int MAX_TEXT = 255;
    private static final List<String> SUPPORTED_PROTOCOLS = List.of("NFS");
    private static final List<String> DELETABLE = List.of(ShareStatus.AVAILABLE.wireName(), ShareStatus.ERROR.wireName());

    private final Jdbi jdbi;
    private final ShareTypeService shareTypes;
    private final ShareTypeAccess typeAccess;
    private final OperationRunner runner;
    private final QuotaService quotas;
    private final PlacementService placement;
    private final PreHooks preHooks;
    private final Clock clock;

    /**
     * @param placement a create reserves on its first choice of pool in its own transaction unless a pre-hook must be
     *                  asked first (see {@link #placeInRequest})
     */
    public ShareService(Jdbi jdbi, ShareTypeService shareTypes, OperationRunner runner, QuotaService quotas,
                        PlacementService placement, PreHooks preHooks, Clock clock) {
        this.placement = placement;
        this.preHooks = preHooks;
        this.jdbi = jdbi;
        this.shareTypes = shareTypes;
        this.typeAccess = new ShareTypeAccess(jdbi, shareTypes);
        this.runner = runner;
        this.quotas = quotas;
        this.clock = clock;
    }

    public ShareDetails create(RequestContext context, NewShare request) {
        String protocol = request.shareProto() == null ? null : request.shareProto().toUpperCase(Locale.ROOT);
        if (protocol == null || !SUPPORTED_PROTOCOLS.contains(protocol)) {
            throw ManilaException.badRequest("Invalid share protocol provided: " + request.shareProto()
                    + ". It is either disabled or unsupported. Available protocols: " + SUPPORTED_PROTOCOLS + ".");
        }
        if (request.size() == null || request.size() <= 0) {
            throw ManilaException.badRequest("Share size '" + request.size() + "' must be an integer and greater than 0.");
        }
        requireLength("name", request.name());
        requireLength("description", request.description());
        requireLength("availability_zone", request.availabilityZone());
        request.metadata().forEach((key, value) -> {
            if (key.isEmpty() || key.length() > MAX_TEXT || value.length() > 1023) {
                throw ManilaException.badRequest("Invalid metadata: keys must have 1 to 255 characters, values at most 1023.");
            }
        });
        RootMode.validate(request.metadata());
        ShareType type = typeAccess.forCreate(context, request.shareType());
        Instant now = clock.instant();
        Share share = new Share(UUID.randomUUID().toString(), context.projectId(), context.userId(), request.name(),
                request.description(), request.size(), protocol, type.id(), type.name(), ShareStatus.CREATING.wireName(),
                null, request.availabilityZone(), Boolean.TRUE.equals(request.isPublic()), null, "active", now, now, 0, null);
        List<MetadataItem> metadata = request.metadata().entrySet().stream()
                .map(entry -> new MetadataItem(share.id(), entry.getKey(), entry.getValue()))
                .toList();
        boolean replicated = ReplicationType.of(type.extraSpecs()).isPresent();
        quotas.prepare(context.projectId());
        String placedOn = jdbi.inTransaction(handle -> {
            quotas.reserveShare(handle, context.projectId(), share.sizeGb());
            handle.attach(ShareDao.class).insert(share);
            if (replicated) {
                // a replicated share is its first, active replica (which counts against the replica quotas)
                quotas.reserveReplica(handle, context.projectId(), share.sizeGb());
                handle.attach(ReplicaDao.class).insert(ShareReplica.active(UUID.randomUUID().toString(), share.id(), now));
            }
            runner.startNew(handle, share.id(), OperationKind.CREATE);
            if (!metadata.isEmpty()) {
                handle.attach(ShareMetadataDao.class).insert(metadata);
            }
            // ranked here, once the quota allowed it: on an H2 file, after the creates before it committed (one writer
            // at a time), so that a burst of creates spreads over the pools as their runs' placements did
            return placeInRequest(share, type)
                    .filter(pool -> placement.reserveInRequest(handle, share, pool, type.extraSpecs()))
                    .map(BackendRegistry.PoolEntry::fullName).orElse(null);
        });
        LOG.info("share {} requested by project {}: {} GiB {} of type {}{}", share.id(), context.projectId(),
                share.sizeGb(), protocol, type.name(), placedOn == null ? "" : ", placed on " + placedOn);
        runner.submit(share.id());
        return new ShareDetails(share, request.metadata(), List.of(), type.extraSpecs().get(ReplicationType.EXTRA_SPEC),
                false);
    }

    /**
     * The pool a create reserves on in its own transaction, sparing its run a transaction and a commit; empty when
     * a pre-hook is to be asked first (before anything is reserved), or
     * when no pool fits (the run then tries the others and tells the tenant when none can take the share).
     */
    private Optional<BackendRegistry.PoolEntry> placeInRequest(Share share, ShareType type) {
        if (preHooks.asks("share.create")) {
            return Optional.empty();
        }
        return placement.firstChoice(share, type.extraSpecs());
    }

    public ShareDetails get(RequestContext context, String shareId) {
        return jdbi.withHandle(handle -> {
            ShareReadDao shares = handle.attach(ShareReadDao.class);
            Share share = visible(shares, context, shareId);
            Replication replication = Replication.of(handle, List.of(share), shareTypes).get(shareId);
            return new ShareDetails(share, toMap(shares.metadataOf(shareId)), shares.exportsOf(shareId),
                    replication.type(), replication.hasReplicas());
        });
    }

    /**
     * What the views show of a share's replication: its type's replication_type and whether it has replicas
     * besides the active one. One query for a page of shares, and a type's specs only for replicated shares
     * (a share is replicated exactly when it has replica rows).
     */
    private record Replication(String type, boolean hasReplicas) {
        static Map<String, Replication> of(Handle handle, List<Share> shares, ShareTypeService shareTypes) {
            Map<String, List<ReplicaDao.ReplicaRole>> roles = handle.attach(ShareReadDao.class)
                    .replicaRoles(shares.stream().map(Share::id).toList()).stream()
                    .collect(Collectors.groupingBy(ReplicaDao.ReplicaRole::shareId));
            Map<String, String> typeByTypeId = new HashMap<>();
            Map<String, Replication> result = new HashMap<>();
            for (Share share : shares) {
                List<ReplicaDao.ReplicaRole> rows = roles.getOrDefault(share.id(), List.of());
                String type = rows.isEmpty() ? null : typeByTypeId.computeIfAbsent(share.shareTypeId(),
                        id -> shareTypes.extraSpecs(id).get(ReplicationType.EXTRA_SPEC));
                result.put(share.id(), new Replication(type, rows.stream().anyMatch(ReplicaDao.ReplicaRole::isSecondary)));
            }
            return result;
        }
    }

    /** One page of shares; with {@code details}, their metadata, export locations and replication (three more queries). */
    public List<ShareDetails> list(RequestContext context, ShareQuery query, boolean details) {
        if (query.allProjects() && !context.admin()) {
            throw ManilaException.forbidden("Policy doesn't allow listing the shares of all projects.");
        }
        return jdbi.withHandle(handle -> {
            ShareReadDao reads = handle.attach(ShareReadDao.class);
            List<Share> shares = reads.list(context.projectId(), query.allProjects(), query.name(),
                    query.status(), query.shareTypeId(), query.sortColumn(), query.sortDirection(), query.limit(),
                    query.offset());
            if (!details || shares.isEmpty()) {
                return shares.stream().map(share -> new ShareDetails(share, Map.of(), List.of())).toList();
            }
            List<String> ids = shares.stream().map(Share::id).toList();
            Map<String, List<MetadataItem>> metadata = reads.metadataOfShares(ids).stream()
                    .collect(Collectors.groupingBy(MetadataItem::shareId));
            Map<String, List<ExportLocation>> exports = reads.exportsOfShares(ids).stream()
                    .collect(Collectors.groupingBy(ExportLocation::shareId));
            Map<String, Replication> replication = Replication.of(handle, shares, shareTypes);
            List<ShareDetails> result = new ArrayList<>(shares.size());
            for (Share share : shares) {
                Replication of = replication.get(share.id());
                result.add(new ShareDetails(share, toMap(metadata.getOrDefault(share.id(), List.of())),
                        exports.getOrDefault(share.id(), List.of()), of.type(), of.hasReplicas()));
            }
            return result;
        });
    }

    public ShareDetails update(RequestContext context, String shareId, ShareUpdate update) {
        requireLength("name", update.name());
        requireLength("description", update.description());
        Share share = find(context, shareId);
        jdbi.useExtension(ShareDao.class, shares -> shares.updateDisplay(shareId,
                update.name() != null ? update.name() : share.name(),
                update.description() != null ? update.description() : share.description(),
                update.isPublic() != null ? update.isPublic() : share.isPublic(), clock.instant()));
        return get(context, shareId);
    }

    /** {@code GET /v2/shares/{id}/metadata}. */
    public Map<String, String> metadata(RequestContext context, String shareId) {
        return get(context, shareId).metadata();
    }

    /** {@code DELETE /v2/shares/{id}/metadata/{key}}: a key the share does not have is a 404, as in Manila. */
    public void deleteMetadata(RequestContext context, String shareId, String key) {
        find(context, shareId);
        if (key.startsWith(RootMode.METADATA_KEY_PREFIX)) {
            throw ManilaException.badRequest("Metadata " + key + " is read by the service at creation and cannot be removed.");
        }
        if (jdbi.withExtension(ShareMetadataDao.class, metadata -> metadata.delete(shareId, key)) == 0) {
            throw ManilaException.notFound("Metadata item " + key + " was not found.");
        }
        LOG.info("share {}: metadata {} removed by project {}", shareId, key, context.projectId());
    }

    public void delete(RequestContext context, String shareId) {
        Share share = find(context, shareId);
        Instant now = clock.instant();
        jdbi.useTransaction(handle -> {
            refuseWithReplicas(handle, shareId);
            if (handle.attach(ShareDao.class).transition(shareId, DELETABLE, ShareStatus.DELETING.wireName(), null, now) == 0) {
                String status = handle.attach(ShareReadDao.class).find(shareId).map(Share::status).orElse("deleted");
                throw ManilaException.forbidden("Invalid share: Share status must be one of ('available', 'error'), not '"
                        + status + "'.");
            }
            runner.start(handle, shareId, OperationKind.DELETE); // 409 while an access sync is pending
        });
        LOG.info("share {} delete requested by project {} (was {})", shareId, context.projectId(), share.status());
        runner.submit(shareId);
    }

    /** Admin only: sets a share's status as given, whatever it was, and frees its work lease. */
    public void resetStatus(RequestContext context, String shareId, String status) {
        requireAdmin(context, "reset_status");
        ShareStatus target = status == null ? null : ShareStatus.fromWireName(status).orElse(null);
        if (target == null) {
            throw ManilaException.badRequest("Invalid status provided: '" + status + "'.");
        }
        if (target == ShareStatus.REPLICATION_CHANGE || target == ShareStatus.MIGRATING) {
            throw ManilaException.badRequest("Invalid status provided: '" + status + "': a promotion or migration is"
                    + " started by its own request, not by a reset.");
        }
        if (target == ShareStatus.EXTENDING || target == ShareStatus.SHRINKING) {
            throw ManilaException.badRequest("Invalid status provided: '" + status + "': an extend or shrink cannot be"
                    + " resumed without its target size.");
        }
        find(context, shareId);
        jdbi.useTransaction(handle -> {
            takeOver(handle, shareId);
            handle.attach(ShareDao.class).resetStatus(shareId, target.wireName(), clock.instant());
            if (target == ShareStatus.CREATING || target == ShareStatus.DELETING) {
                runner.start(handle, shareId, target == ShareStatus.CREATING ? OperationKind.CREATE : OperationKind.DELETE);
            }
        });
        LOG.warn("share {}: status reset to {} by {}", shareId, target.wireName(), context.userId());
        runner.submit(shareId);
    }

    /** Admin only: deletes a share whatever its status, taking over its work lease. */
    public void forceDelete(RequestContext context, String shareId) {
        requireAdmin(context, "force_delete");
        find(context, shareId);
        jdbi.useTransaction(handle -> {
            refuseWithReplicas(handle, shareId);
            takeOver(handle, shareId);
            handle.attach(ShareDao.class).resetStatus(shareId, ShareStatus.DELETING.wireName(), clock.instant());
            runner.start(handle, shareId, OperationKind.DELETE);
        });
        LOG.warn("share {}: force delete by {}", shareId, context.userId());
        runner.submit(shareId);
    }

    /**
     * In the caller's transaction (an admin's reset or force delete): ends the share's pending operation,
     * unless a live process is running it (409: its driver step could still act after us), and gives back
     * what an unfinished extend held ahead (the quota for its new size, the capacity reserved on its pool).
     */
    private void takeOver(Handle handle, String shareId) {
        // Both rows locked first: a concurrent request waits for us instead of slipping in between, and
        // this node's runner cannot claim the operation until we are done with it.
        if (handle.attach(ShareDao.class).lock(shareId, clock.instant()) == 0) {
            throw ManilaException.notFound("Share " + shareId + " could not be found.");
        }
        Share share = handle.attach(ShareReadDao.class).find(shareId).orElseThrow();
        if (handle.attach(ShareReadDao.class).migrationsOf(shareId) > 0) {
            // its copy on the destination would be left behind: the migration must end first
            throw ManilaException.conflict("Share " + shareId + " is being migrated: cancel the migration first.");
        }
        OperationDao operations = handle.attach(OperationDao.class);
        Optional<Operation> pending = operations.lockForShare(shareId);
        if (pending.isEmpty()) {
            return;
        }
        // withdrawn: no run here had started it, and a run that starts now waits for this transaction
        boolean withdrawn = runner.withdraw(pending.get().id());
        if ((!withdrawn && runner.isInFlight(shareId))
                || operations.discardUnlessLeased(shareId, runner.nodeName(), clock.instant()) == 0) {
            throw ManilaException.conflict("Share " + shareId + " has a " + pending.get().kind().wireName()
                    + " operation running on " + pending.get().owner() + "; try again when it ends or its lease expires.");
        }
        if (share.shareStatus() == ShareStatus.EXTENDING && share.pendingSizeGb() != null) {
            int increase = share.pendingSizeGb() - share.sizeGb();
            quotas.release(handle, share.projectId(), 0, increase);
            PlacementService.reduceReservation(handle, shareId, share.sizeGb());
            // a replicated share's extend held the increase for every replica, and on each secondary's pool
            List<ShareReplica> replicas = handle.attach(ReplicaDao.class).forShare(shareId);
            quotas.releaseReplicaGigabytes(handle, share.projectId(), (long) replicas.size() * increase);
            replicas.forEach(replica -> PlacementService.reduceReplicaReservation(handle, replica, share.sizeGb()));
        }
        if (pending.get().kind() == OperationKind.ACCESS_SYNC) {
            AccessRules.failPending(handle, shareId, clock.instant()); // nothing would apply them any more
        }
        LOG.warn("share {}: {} operation (attempt {}) dropped by an admin", shareId, pending.get().kind().wireName(),
                pending.get().attempt());
    }

    /** Manila's rule: a share's secondary replicas go first (their data would otherwise be left on their hosts). */
    private static void refuseWithReplicas(Handle handle, String shareId) {
        int secondaries = handle.attach(ReplicaDao.class).secondaries(shareId);
        if (secondaries > 0) {
            throw ManilaException.badRequest("Share " + shareId + " has " + secondaries + " replica(s) besides the active"
                    + " one; delete them first.");
        }
    }

    public static void requireAdmin(RequestContext context, String action) {
        if (!context.admin()) {
            throw ManilaException.forbidden("Policy doesn't allow share:" + action + " to be performed.");
        }
    }

    public List<ExportLocation> exportLocations(RequestContext context, String shareId) {
        return jdbi.withExtension(ShareReadDao.class, shares -> {
            visible(shares, context, shareId);
            return shares.exportsOf(shareId);
        }).stream()
                .filter(location -> context.admin() || !location.isAdminOnly())
                .toList();
    }

    public ExportLocation exportLocation(RequestContext context, String shareId, String exportLocationId) {
        return exportLocations(context, shareId).stream()
                .filter(location -> location.id().equals(exportLocationId))
                .findFirst()
                .orElseThrow(() -> ManilaException.notFound("Export location " + exportLocationId + " could not be found."));
    }

    private Share find(RequestContext context, String shareId) {
        return jdbi.withExtension(ShareReadDao.class, shares -> visible(shares, context, shareId));
    }

    /**
     * The share, if the caller may see it: its own project's, or any for an admin; otherwise a 404,
     * never a 403, so that other projects' shares are not revealed.
     */
    public static Share visible(ShareReadDao shares, RequestContext context, String shareId) {
        return (context.admin() ? shares.find(shareId) : shares.findInProject(shareId, context.projectId()))
                .orElseThrow(() -> ManilaException.notFound("Share " + shareId + " could not be found."));
    }

    private static void requireLength(String field, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw ManilaException.badRequest("Invalid input received: " + field + " has more than " + MAX_TEXT + " characters.");
        }
    }

    private static Map<String, String> toMap(List<MetadataItem> items) {
        Map<String, String> map = new LinkedHashMap<>();
        items.forEach(item -> map.put(item.metaKey(), item.metaValue()));
        return map;
    }
}
