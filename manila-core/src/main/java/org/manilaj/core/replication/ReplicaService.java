package org.manilaj.core.replication;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.quota.QuotaService;
import org.manilaj.core.share.ExportLocation;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.ShareStatus;
import org.manilaj.core.share.ShareService;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.OperationKind;
import org.manilaj.core.work.OperationRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests on share replicas (Manila's share-replicas API). Each records its intent in one transaction, with
 * the share's {@link OperationKind#REPLICATION} operation that carries it out; a share busy with another
 * operation answers 409.
 */
public final class ReplicaService {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaService.class);

    private final Jdbi jdbi;
    private final ShareTypeService shareTypes;
    private final BackendRegistry registry;
    private final PlacementService placement;
    private final OperationRunner runner;
    private final QuotaService quotas;
    private final Clock clock;

    public ReplicaService(Jdbi jdbi, ShareTypeService shareTypes, BackendRegistry registry, PlacementService placement,
                          OperationRunner runner, QuotaService quotas, Clock clock) {
        this.jdbi = jdbi;
        this.shareTypes = shareTypes;
        this.registry = registry;
        this.placement = placement;
        this.runner = runner;
        this.quotas = quotas;
        this.clock = clock;
    }

    /** A replica with the share it belongs to (the active replica's place is the share's). */
    public record ReplicaView(ShareReplica replica, Share share) {
        public String host() {
            return replica.isActive() ? share.host() : replica.host();
        }

        public String availabilityZone() {
            return replica.isActive() ? share.availabilityZone() : replica.availabilityZone();
        }

        /** The active replica's status is the share's while the share is busy (creating, deleting...). */
        public String status() {
            return replica.isActive() && !"available".equals(share.status()) ? share.status() : replica.status();
        }
    }

    public ReplicaView create(RequestContext context, String shareId, String availabilityZone, String onlyHost) {
        if (shareId == null || shareId.isBlank()) {
            throw ManilaException.badRequest("share_id is required.");
        }
        if (onlyHost != null) {
            requireAdmin(context, "create with scheduler_hints.only_host");
            if (registry.pool(onlyHost).isEmpty()) {
                throw ManilaException.badRequest("only_host " + onlyHost + " is not a pool of this service.");
            }
        }
        if (availabilityZone != null && registry.pools().stream()
                .noneMatch(pool -> availabilityZone.equals(placement.availabilityZoneOf(pool)))) {
            throw ManilaException.badRequest("Availability zone '" + availabilityZone + "' has no pools.");
        }
        Share share = visibleShare(context, shareId);
        ReplicationType.of(shareTypes.extraSpecs(share.shareTypeId())).orElseThrow(() -> ManilaException.badRequest(
                "Share " + shareId + " is not of a replicated share type (its type sets no replication_type)."));
        if (!"available".equals(share.status())) {
            throw ManilaException.badRequest("Share " + shareId + " must be available to get a replica, not "
                    + share.status() + ".");
        }
        Instant now = clock.instant();
        ShareReplica replica = new ShareReplica(UUID.randomUUID().toString(), shareId, null, availabilityZone, onlyHost,
                ShareReplica.CREATING, null, 0, 0, null, null, 0, 0, null, false, null, now, now);
        quotas.prepare(share.projectId());
        jdbi.useTransaction(handle -> {
            // a migration finishing (its old source still to remove) could take a replica placed on that host with it
            if (handle.attach(org.manilaj.core.migration.MigrationDao.class).findByShare(shareId).isPresent()) {
                throw ManilaException.badRequest("Share " + shareId + " is being migrated; add a replica once it is done.");
            }
            quotas.reserveReplica(handle, share.projectId(), share.sizeGb());
            handle.attach(ReplicaDao.class).insert(replica);
            runner.queueOrStart(handle, shareId, OperationKind.REPLICATION);
        });
        LOG.info("share {}: replica {} requested by project {} (zone {}, host {})", shareId, replica.id(),
                context.projectId(), availabilityZone, onlyHost);
        runner.submit(shareId);
        return new ReplicaView(replica, share);
    }

    public List<ReplicaView> list(RequestContext context, String shareId) {
        return jdbi.withHandle(handle -> {
            if (shareId != null) {
                visibleShare(handle, context, shareId);
            }
            ShareReadDao shares = handle.attach(ShareReadDao.class);
            // a share deleted between the two reads takes its replicas with it
            return handle.attach(ReplicaDao.class).visible(context.admin() ? null : context.projectId(), shareId).stream()
                    .flatMap(replica -> shares.find(replica.shareId()).map(share -> new ReplicaView(replica, share)).stream())
                    .toList();
        });
    }

    public ReplicaView get(RequestContext context, String replicaId) {
        return jdbi.withHandle(handle -> view(handle, context, replicaId));
    }

    /** Where clients mount a replica: the share's for the active one, the replica's own for a readable secondary. */
    public List<ExportLocation> exportLocations(RequestContext context, String replicaId) {
        return jdbi.withHandle(handle -> {
            ReplicaView view = view(handle, context, replicaId);
            if (view.replica().isActive()) {
                return handle.attach(ShareReadDao.class).exportsOf(view.share().id()).stream()
                        .filter(location -> context.admin() || !location.isAdminOnly()).toList();
            }
            if (view.replica().exportPath() == null || !readable(view.share())) {
                return List.of();
            }
            return List.of(new ExportLocation(UUID.nameUUIDFromBytes(view.replica().id().getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)).toString(), view.share().id(), view.replica().exportPath(),
                    true, false, view.replica().createdAt()));
        });
    }

    public void delete(RequestContext context, String replicaId) {
        ReplicaView view = get(context, replicaId);
        if (view.replica().isActive()) {
            throw ManilaException.badRequest("Replica " + replicaId + " is the active replica of share "
                    + view.share().id() + " and cannot be deleted; promote another replica first, or delete the share.");
        }
        if (!ShareReplica.AVAILABLE.equals(view.replica().status()) && !ShareReplica.ERROR.equals(view.replica().status())) {
            throw ManilaException.badRequest("Replica " + replicaId + " must be available or in error to be deleted, not "
                    + view.replica().status() + ".");
        }
        startDeleting(view, replicaId, false);
        LOG.info("share {}: replica {} delete requested by project {}", view.share().id(), replicaId, context.projectId());
    }

    /** Admin only: deletes a secondary whatever its status, its row even when its backend cannot remove its data. */
    public void forceDelete(RequestContext context, String replicaId) {
        requireAdmin(context, "force_delete");
        ReplicaView view = get(context, replicaId);
        if (view.replica().isActive()) {
            throw ManilaException.badRequest("Replica " + replicaId + " is the active replica and cannot be deleted.");
        }
        if (ShareReplica.REPLICATION_CHANGE.equals(view.replica().status())) {
            throw ManilaException.conflict("Replica " + replicaId + " is being promoted; try again when it is done.");
        }
        startDeleting(view, replicaId, true);
        LOG.warn("share {}: replica {} force-deleted by {}", view.share().id(), replicaId, context.userId());
    }

    private void startDeleting(ReplicaView view, String replicaId, boolean force) {
        jdbi.useTransaction(handle -> {
            ReplicaDao dao = handle.attach(ReplicaDao.class);
            Instant now = clock.instant();
            if ((force ? dao.forceDeleting(replicaId, view.replica().status(), now)
                    : dao.transition(replicaId, view.replica().status(), ShareReplica.DELETING, now)) == 0) {
                throw ManilaException.conflict("Replica " + replicaId + " changed meanwhile; try again.");
            }
            runner.queueOrStart(handle, view.share().id(), OperationKind.REPLICATION);
        });
        runner.submit(view.share().id());
    }

    /**
     * The replica as it is now; Manila answers 200 when it is the active one already, else 202. {@code force}
     * (admins only, beyond Manila) takes over from the replica's last sync even when the active replica's host
     * answers but its last copy fails: for an active whose storage is failing.
     */
    public ReplicaView promote(RequestContext context, String replicaId, boolean force) {
        if (force) {
            requireAdmin(context, "promote with force");
        }
        ReplicaView view = get(context, replicaId);
        if (view.replica().isActive()) {
            return view;
        }
        if (!ShareReplica.AVAILABLE.equals(view.replica().status())) {
            throw ManilaException.badRequest("Replica " + replicaId + " must be available to be promoted, not "
                    + view.replica().status() + ".");
        }
        if (!ShareReplica.IN_SYNC.equals(view.replica().replicaState()) && !context.admin()) {
            throw ManilaException.forbidden("Replica " + replicaId + " is " + view.replica().replicaState()
                    + ": only an administrator may promote a replica that is not in sync.");
        }
        jdbi.useTransaction(handle -> {
            if (handle.attach(ShareDao.class).transition(view.share().id(), List.of(ShareStatus.AVAILABLE.wireName()),
                    ShareStatus.REPLICATION_CHANGE.wireName(), null, clock.instant()) == 0) {
                throw ManilaException.badRequest("Share " + view.share().id() + " must be available for a promotion.");
            }
            if (handle.attach(ReplicaDao.class).startPromotion(replicaId, force, clock.instant()) == 0) {
                throw ManilaException.conflict("Replica " + replicaId + " changed meanwhile; try again.");
            }
            runner.queueOrStart(handle, view.share().id(), OperationKind.REPLICATION);
        });
        LOG.info("share {}: promotion of replica {} on {} requested by project {}{}", view.share().id(), replicaId,
                view.replica().host(), context.projectId(), force ? " (forced)" : "");
        runner.submit(view.share().id());
        return get(context, replicaId);
    }

    /** Admin only, as in Manila: syncs the secondary now (and every other secondary of its share). */
    public void resync(RequestContext context, String replicaId) {
        requireAdmin(context, "resync");
        ReplicaView view = get(context, replicaId);
        if (view.replica().isActive()) {
            throw ManilaException.badRequest("Replica " + replicaId + " is the active replica; only secondaries resync.");
        }
        if (!ShareReplica.AVAILABLE.equals(view.replica().status())
                || ShareReplica.ERROR.equals(view.replica().replicaState())) {
            throw ManilaException.badRequest("Replica " + replicaId + " must be available and not in error to resync"
                    + " (it is " + view.replica().status() + ", " + view.replica().replicaState() + "); an admin can"
                    + " reset its replica_state to out_of_sync first.");
        }
        if (!runner.startIfIdle(view.share().id(), OperationKind.REPLICATION)) {
            throw ManilaException.conflict("Share " + view.share().id() + " is busy with another operation; try again.");
        }
        LOG.info("share {}: resync of replica {} requested by project {}", view.share().id(), replicaId, context.projectId());
    }

    /** Admin only: sets a secondary's status (the active one's is the share's: reset that instead). */
    public void resetStatus(RequestContext context, String replicaId, String status) {
        requireAdmin(context, "reset_status");
        if (status == null || !List.of(ShareReplica.AVAILABLE, ShareReplica.ERROR).contains(status)) {
            throw ManilaException.badRequest("Invalid status '" + status + "': 'available' or 'error'.");
        }
        ReplicaView view = get(context, replicaId);
        if (view.replica().isActive()) {
            throw ManilaException.badRequest("Replica " + replicaId + " is the active replica: reset the share's status.");
        }
        jdbi.useExtension(ReplicaDao.class, dao -> dao.setStatus(replicaId, status, clock.instant()));
        LOG.warn("share {}: replica {} status reset to {} by {}", view.share().id(), replicaId, status, context.userId());
    }

    /** Admin only: sets a secondary's replica_state. */
    public void resetReplicaState(RequestContext context, String replicaId, String state) {
        requireAdmin(context, "reset_replica_state");
        if (state == null || !List.of(ShareReplica.IN_SYNC, ShareReplica.OUT_OF_SYNC, ShareReplica.ERROR).contains(state)) {
            throw ManilaException.badRequest("Invalid replica_state '" + state + "': 'in_sync', 'out_of_sync' or 'error'.");
        }
        ReplicaView view = get(context, replicaId);
        if (view.replica().isActive()) {
            throw ManilaException.badRequest("Replica " + replicaId + " is the active replica: promote another instead.");
        }
        jdbi.useExtension(ReplicaDao.class, dao -> dao.setState(replicaId, state, clock.instant()));
        LOG.warn("share {}: replica {} state reset to {} by {}", view.share().id(), replicaId, state, context.userId());
    }

    private static void requireAdmin(RequestContext context, String action) {
        if (!context.admin()) {
            throw ManilaException.forbidden("Policy doesn't allow share_replica:" + action + " to be performed.");
        }
    }

    /** Whether the share's secondaries are exported read-only (else not at all until promoted). */
    public boolean readable(Share share) {
        return ReplicationType.of(shareTypes.extraSpecs(share.shareTypeId())).orElse(ReplicationType.DR)
                == ReplicationType.READABLE;
    }

    private ReplicaView view(Handle handle, RequestContext context, String replicaId) {
        Optional<ShareReplica> replica = handle.attach(ReplicaDao.class).find(replicaId);
        Optional<Share> share = replica.flatMap(found -> handle.attach(ShareReadDao.class).find(found.shareId()))
                .filter(found -> context.admin() || found.projectId().equals(context.projectId()));
        if (share.isEmpty()) {
            throw ManilaException.notFound("Share replica " + replicaId + " could not be found.");
        }
        return new ReplicaView(replica.get(), share.get());
    }

    private Share visibleShare(RequestContext context, String shareId) {
        return jdbi.withHandle(handle -> visibleShare(handle, context, shareId));
    }

    private static Share visibleShare(Handle handle, RequestContext context, String shareId) {
        return ShareService.visible(handle.attach(ShareReadDao.class), context, shareId);
    }
}
