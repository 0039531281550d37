package org.manilaj.core.migration;

import org.manilaj.core.copy.CopyEngines;
import org.manilaj.core.copy.SnapshotStreamEngine;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.access.AccessRuleDao;
import org.manilaj.core.access.AccessRuleState;
import org.manilaj.core.placement.CapacityLedger;
import org.manilaj.core.placement.PlacementService;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.replication.ReplicaDao;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.share.ShareService;
import org.manilaj.core.share.ShareStatus;
import org.manilaj.core.share.TaskState;
import org.manilaj.core.types.ShareType;
import org.manilaj.core.types.ShareTypeService;
import org.manilaj.core.work.OperationDao;
import org.manilaj.scheduler.ThinProvisioning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manila's two-phase share migration, admin only: every request is checked before anything starts (a
 * guarantee no engine can give is refused with its reason, not found out later), capacity is held on the
 * destination from the start, and the work itself is done by {@link MigrationRunner} in durable jobs.
 */
public final class MigrationService {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationService.class);
    /** The end of the refusal of a share that has another operation in flight (a caller may try again later). */
    public static final String BUSY = " is busy: an operation is in progress.";

    private final Jdbi jdbi;
    private final BackendRegistry registry;
    private final PlacementService placement;
    private final ShareTypeService shareTypes;
    private final MigrationJobs jobs;
    private final Clock clock;

    public MigrationService(Jdbi jdbi, BackendRegistry registry, PlacementService placement, ShareTypeService shareTypes,
                            MigrationJobs jobs, Clock clock) {
        this.jdbi = jdbi;
        this.registry = registry;
        this.placement = placement;
        this.shareTypes = shareTypes;
        this.jobs = jobs;
        this.clock = clock;
    }

    public void start(RequestContext context, String shareId, MigrationRequest request) {
        requireAdmin(context, "migration_start");
        Share share = share(context, shareId);
        if (request.host() == null || request.host().isBlank()) {
            throw ManilaException.badRequest("Must specify 'host'.");
        }
        if (!share.status().equals(ShareStatus.AVAILABLE.wireName())) {
            throw ManilaException.badRequest("Share " + shareId + " status must be available, but current status is: "
                    + share.status() + ".");
        }
        if (request.host().equals(share.host())) {
            throw ManilaException.badRequest("Destination host " + request.host() + " is the share's current host.");
        }
        int secondaries = jdbi.withExtension(ReplicaDao.class, replicas -> replicas.secondaries(shareId));
        if (secondaries > 0) {
            // as in Manila: a replica's copy may sit on the destination, and the replicas would not follow
            throw ManilaException.badRequest("Share " + shareId + " has " + secondaries + " replica(s) besides the active"
                    + " one: delete them before migrating it, or promote a replica instead.");
        }
        BackendRegistry.PoolEntry destination = registry.pool(request.host()).orElseThrow(() ->
                ManilaException.badRequest("Destination host " + request.host() + " is not a configured pool (host@backend#pool)."));
        BackendRegistry.PoolEntry source = registry.pool(share.host()).orElseThrow(() ->
                ManilaException.badRequest("The share's pool " + share.host() + " is not configured any more."));
        String engine = chooseEngine(request, share, source, destination);
        ShareType type = request.newShareTypeId() == null ? shareTypes.get(share.shareTypeId())
                : shareTypes.findByIdOrName(request.newShareTypeId()).orElseThrow(() ->
                        ManilaException.badRequest("New share type " + request.newShareTypeId() + " could not be found."));
        Map<String, String> extraSpecs = shareTypes.extraSpecs(type.id());
        placement.refusal(destination.fullName(), share.sizeGb(), extraSpecs).ifPresent(reason -> {
            throw ManilaException.badRequest(reason);
        });
        Instant now = clock.instant();
        ShareMigration migration = new ShareMigration(UUID.randomUUID().toString(), shareId, share.host(), destination.fullName(),
                request.newShareTypeId() == null ? null : type.id(), share.sizeGb(), request.writable(), engine,
                MigrationPhase.STARTING.wireName(), 0, 0, 0, 0, null, null, now, now);
        jdbi.useTransaction(handle -> {
            if (handle.attach(OperationDao.class).lockForShare(shareId).isPresent()) {
                throw ManilaException.badRequest("Share " + shareId + BUSY);
            }
            if (handle.attach(AccessRuleDao.class).forShare(shareId).stream()
                    .anyMatch(rule -> rule.ruleState() == AccessRuleState.ERROR)) {
                throw ManilaException.badRequest("Share " + shareId + " has access rules in error; fix them before migrating.");
            }
            if (handle.attach(ShareDao.class).startMigration(shareId, TaskState.MIGRATION_STARTING.wireName(), now) == 0) {
                throw ManilaException.badRequest("Share " + shareId + " status must be available.");
            }
            boolean thin = ThinProvisioning.useThinLogic(extraSpecs) && destination.config().thinProvisioning();
            if (!CapacityLedger.reserveForNew(handle, destination.fullName(), share.sizeGb(), thin,
                    destination.config().maxOverSubscriptionRatio(), destination.config().reservedPercentage() / 100.0)) {
                throw ManilaException.badRequest("Destination host " + destination.fullName()
                        + (handle.attach(PoolDao.class).backendDisabled(destination.fullName()) ? " is disabled."
                        : " has no room for " + share.sizeGb() + " GiB."));
            }
            handle.attach(MigrationDao.class).insert(migration);
            MigrationEvents.record(handle, "migration.start", share, migration, now);
        });
        LOG.info("share {}: migration {} from {} to {} requested by {} (writable {})", shareId, migration.id(), share.host(),
                destination.fullName(), context.userId(), request.writable());
        jobs.run(migration.id());
    }

    /**
     * The engine that will move the share, refusing now a guarantee it cannot give: the snapshot stream when
     * both backends snapshot in one format (unless the caller forces the host-assisted, file-level copy),
     * else the file-level copy.
     */
    private static String chooseEngine(MigrationRequest request, Share share, BackendRegistry.PoolEntry source,
                                       BackendRegistry.PoolEntry destination) {
        if (source.backend().equals(destination.backend())) {
            // a backend keeps one directory and one export per share, whatever the pool
            throw ManilaException.badRequest("Destination host " + destination.fullName() + " is on the share's own backend "
                    + source.backend() + "; migrations move shares between backends.");
        }
        if (request.nondisruptive()) {
            throw ManilaException.badRequest("nondisruptive cannot be honoured: the share's export location changes with "
                    + "its host, so clients must mount the new one.");
        }
        if (request.preserveSnapshots()) {
            throw ManilaException.badRequest("preserve_snapshots cannot be honoured: shares have no snapshots to move.");
        }
        if (!request.forceHostAssisted() && CopyEngines.snapshotsMatch(source, destination)) {
            return SnapshotStreamEngine.NAME; // keeps all metadata, and seals the source's data itself for the cut-over
        }
        String engine = CopyEngines.fileLevel(share, source, destination).orElseThrow(() -> ManilaException.badRequest(
                "No migration engine can copy between " + source.fullName() + " and " + destination.fullName()
                        + ": one of them offers no access to its shares' files."));
        if (request.writable() && !source.driver().capabilities().enforcesAccess()) {
            throw ManilaException.badRequest("writable cannot be honoured: backend " + source.backend() + " does not "
                    + "control who writes to its shares (export: none), so the service cannot stop writes for the "
                    + "cut-over; stop the share's clients and migrate with writable false.");
        }
        if (request.preserveMetadata()) {
            throw ManilaException.badRequest("preserve_metadata cannot be honoured between these backends: the file-level "
                    + "copy keeps modes, modification times and links, not extended attributes (nor owners, unless "
                    + "it runs as root on the destination).");
        }
        return engine;
    }


    public void complete(RequestContext context, String shareId) {
        requireAdmin(context, "migration_complete");
        share(context, shareId);
        ShareMigration migration = migration(shareId);
        if (!move(migration, List.of(MigrationPhase.PHASE1_DONE), MigrationPhase.COMPLETING, TaskState.MIGRATION_COMPLETING)) {
            throw ManilaException.badRequest("First migration phase of share " + shareId + " not completed yet.");
        }
        LOG.info("share {}: migration {} completing", shareId, migration.id());
        jobs.run(migration.id());
    }

    public void cancel(RequestContext context, String shareId) {
        requireAdmin(context, "migration_cancel");
        share(context, shareId);
        ShareMigration migration = migration(shareId);
        if (!move(migration, List.of(MigrationPhase.STARTING, MigrationPhase.COPYING, MigrationPhase.PHASE1_DONE),
                MigrationPhase.CANCELLING, TaskState.MIGRATION_CANCEL_IN_PROGRESS)) {
            throw ManilaException.badRequest("Migration of share " + shareId + " cannot be cancelled now: it is "
                    + migration.phase() + ".");
        }
        LOG.info("share {}: migration {} cancelling", shareId, migration.id());
        jobs.run(migration.id());
    }

    public MigrationProgress progress(RequestContext context, String shareId) {
        requireAdmin(context, "migration_get_progress");
        Share share = share(context, shareId);
        Optional<ShareMigration> migration = jdbi.withExtension(MigrationDao.class, dao -> dao.findByShare(shareId));
        if (migration.isEmpty()) {
            Optional<TaskState> task = share.task();
            if (task.isEmpty() || task.get() != TaskState.MIGRATION_SUCCESS) {
                throw ManilaException.badRequest("Share " + shareId + " is not being migrated.");
            }
            return new MigrationProgress(share.taskState(), 100, Map.of());
        }
        ShareMigration m = migration.get();
        int percent = switch (m.migrationPhase()) {
            case STARTING -> 0;
            case COPYING, COMPLETING -> m.bytesTotal() == 0 ? 0 : (int) Math.min(99, m.bytesCopied() * 100 / m.bytesTotal());
            default -> 100;
        };
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("phase", m.phase());
        boolean passRunning = m.migrationPhase() == MigrationPhase.COPYING || m.migrationPhase() == MigrationPhase.COMPLETING;
        details.put("pass", passRunning ? m.pass() + 1 : m.pass()); // the pass running, or the passes done
        details.put("bytes_copied", m.bytesCopied());
        details.put("bytes_total", m.bytesTotal());
        details.put("rate_bytes_per_second", m.rateBytesPerS());
        details.put("engine", m.engine());
        details.put("destination", m.destHost());
        return new MigrationProgress(share.taskState(), percent, details);
    }

    /** Manila's {@code reset_task_state}: any task state, or none; it does not touch a migration's work. */
    public void resetTaskState(RequestContext context, String shareId, String taskState) {
        requireAdmin(context, "reset_task_state");
        share(context, shareId);
        if (taskState != null && TaskState.fromWireName(taskState).isEmpty()) {
            throw ManilaException.badRequest("Invalid task state: " + taskState + ".");
        }
        jdbi.useExtension(ShareDao.class, shares -> shares.setTaskState(shareId, taskState, clock.instant()));
        LOG.info("share {}: task_state reset to {} by {}", shareId, taskState, context.userId());
    }

    private boolean move(ShareMigration migration, List<MigrationPhase> from, MigrationPhase to, TaskState taskState) {
        return jdbi.inTransaction(handle -> {
            if (handle.attach(MigrationDao.class).move(migration.id(), from.stream().map(MigrationPhase::wireName).toList(),
                    to.wireName(), clock.instant()) == 0) {
                return false;
            }
            handle.attach(ShareDao.class).setTaskState(migration.shareId(), taskState.wireName(), clock.instant());
            return true;
        });
    }

    private ShareMigration migration(String shareId) {
        return jdbi.withExtension(MigrationDao.class, dao -> dao.findByShare(shareId))
                .orElseThrow(() -> ManilaException.badRequest("Share " + shareId + " is not being migrated."));
    }

    private Share share(RequestContext context, String shareId) {
        return jdbi.withExtension(ShareReadDao.class, shares -> ShareService.visible(shares, context, shareId));
    }

    private static void requireAdmin(RequestContext context, String action) {
        if (!context.admin()) {
            throw ManilaException.forbidden("Policy doesn't allow share:" + action + " to be performed.");
        }
    }
}
