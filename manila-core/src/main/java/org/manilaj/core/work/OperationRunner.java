package org.manilaj.core.work;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.manilaj.core.ManilaException;
import org.manilaj.core.config.WorkSettings;
import org.manilaj.core.db.DuplicateKeys;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareReadDao;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs shares' pending operations on a bounded pool of threads, each under a lease that a heartbeat
 * renews while it runs: an operation that takes an hour stays with its process while that process
 * lives, and another process takes it over within one lease once it dies.
 *
 * <p>Nothing is lost when the queue is full: the operation is already in the database, and the next
 * operation to finish here looks for unattended ones again, as does the periodic reconcile job.
 */
public final class OperationRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);
    /** Rounds of one share in a row: access changes queued during a sync are applied by the next round. */
    private static final int MAX_ROUNDS = 10;
    /** Starts of one operation that did not finish (a crash in it, an unexpected failure) before it is abandoned. */
    static final int MAX_ATTEMPTS = 10;

    private final Jdbi jdbi;
    private final WorkSettings settings;
    private final Clock clock;
    private final Map<OperationKind, ShareOperation> operations = new EnumMap<>(OperationKind.class);
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService heartbeat;
    /** Shares submitted or running here; operation ids whose leases the heartbeat renews. */
    private final InFlightShares inFlight = new InFlightShares();
    private final Set<String> leased = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean backlog = new AtomicBoolean();
    /** Operations recorded by this process and not yet run by it (their first run needs no claim). */
    private final Set<String> recordedHere = ConcurrentHashMap.newKeySet();

    /** Told how long each operation took, from its request to the end of the run that finished it, step by step. */
    private volatile Consumer<OperationTimings> timings = took -> { };

    /** Who hears the operations' timings (the metrics); replaces any before. */
    public void observeTimings(Consumer<OperationTimings> observer) {
        this.timings = observer;
    }

    public OperationRunner(Jdbi jdbi, WorkSettings settings, Clock clock) {
        this.jdbi = jdbi;
        this.settings = settings;
        this.clock = clock;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.queueCapacity()), runnable -> daemon(runnable,
                "share-worker-" + threadNumber.incrementAndGet()), new ThreadPoolExecutor.AbortPolicy());
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "lease-heartbeat"));
        long every = Math.max(1, settings.lease().toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Registers the classes that run each kind of operation (all kinds must be registered before work starts). */
    public OperationRunner register(List<ShareOperation> kinds) {
        kinds.forEach(operation -> operations.put(operation.kind(), operation));
        return this;
    }

    public String nodeName() {
        return settings.nodeName();
    }

    public Instant leaseUntil() {
        return clock.instant().plus(settings.lease());
    }

    /** Runs the share's pending operation soon; when this process is on it already, once more after that. */
    public void submit(String shareId) {
        if (!inFlight.enter(shareId)) {
            return;
        }
        try {
            executor.execute(() -> runAndRelease(shareId));
        } catch (RejectedExecutionException full) {
            inFlight.forget(shareId);
            backlog.set(true);
            LOG.debug("share {}: work queue full; it runs once a worker frees up", shareId);
        }
    }

    /**
     * In the caller's transaction, which has already changed (and so locked) the share's row: records a
     * new operation of the share, leased to this process. A share with an operation pending cannot get
     * another: the caller gets a 409 (and the unique key on the share stays the last word).
     */
    public void start(Handle handle, String shareId, OperationKind kind) {
        OperationDao dao = handle.attach(OperationDao.class);
        if (dao.forShare(shareId).isPresent()) {
            throw ManilaException.conflict("Share " + shareId + " is busy with another operation; try again.");
        }
        startNew(handle, shareId, kind);
    }

    /**
     * In the caller's transaction: queues the work on the share's pending operation of the same kind (whose run
     * looks for it before it ends), or records a new one; a pending operation of another kind is a 409.
     */
    public void queueOrStart(Handle handle, String shareId, OperationKind kind) {
        if (handle.attach(OperationDao.class).requeue(shareId, kind.wireName(), clock.instant()) == 0) {
            start(handle, shareId, kind);
        }
    }

    /** In the caller's transaction: the first operation of a share just inserted (nothing can be in its way). */
    public void startNew(Handle handle, String shareId, OperationKind kind) {
        String id = UUID.randomUUID().toString();
        handle.attach(OperationDao.class).insert(id, shareId, kind.wireName(), nodeName(), leaseUntil(), clock.instant());
        handle.afterCommit(() -> recordedHere.add(id)); // a rolled-back one must not be remembered
    }

    /**
     * In the caller's transaction: asks for the share's access rules to be applied, by a new access sync
     * or, when one is pending, by another round of it.
     */
    public void queueAccessSync(Handle handle, String shareId) {
        if (handle.attach(OperationDao.class).requeueAccessSync(shareId, clock.instant()) == 0) {
            start(handle, shareId, OperationKind.ACCESS_SYNC);
        }
    }

    /**
     * Records an operation of {@code kind} for a share that has none pending, and runs it soon (periodic work:
     * a share busy with something else is left for the next round).
     */
    public boolean startIfIdle(String shareId, OperationKind kind) {
        try {
            if (jdbi.withExtension(OperationDao.class, dao -> dao.insertIfIdle(UUID.randomUUID().toString(), shareId,
                    kind.wireName(), clock.instant())) == 0) {
                return false;
            }
        } catch (UnableToExecuteStatementException e) {
            if (DuplicateKeys.isDuplicateKey(e)) {
                return false; // a request recorded one meanwhile
            }
            throw e;
        }
        submit(shareId);
        return true;
    }

    /** Submits every operation nobody is running; returns how many. Run at start-up and periodically. */
    public int resumeUnattended() {
        List<String> unattended = jdbi.withExtension(OperationDao.class,
                dao -> dao.unattended(nodeName(), clock.instant()));
        int submitted = 0;
        for (String shareId : unattended) {
            if (!inFlight.contains(shareId)) {
                submit(shareId);
                submitted++;
            }
        }
        if (submitted > 0) {
            LOG.info("resuming the pending operation of {} share(s)", submitted);
        }
        return submitted;
    }

    /**
     * The start-up and periodic pass: operations for any share found without one, then every operation
     * nobody is running. (A full queue only needs the second half, so it calls {@link #resumeUnattended}.)
     */
    public int reconcile() {
        adoptOrphans();
        return resumeUnattended();
    }

    /**
     * A share in a transitional status always has its operation, recorded in the same transaction; one
     * found without (which should not happen: a crash must not split a transaction) gets an operation
     * anyone may take, so that it is never left stuck.
     */
    private void adoptOrphans() {
        Instant now = clock.instant();
        jdbi.useHandle(handle -> {
            OperationDao dao = handle.attach(OperationDao.class);
            for (OperationDao.Orphan orphan : dao.orphans()) {
                OperationKind kind = switch (orphan.status()) {
                    case "creating" -> OperationKind.CREATE;
                    case "deleting" -> OperationKind.DELETE;
                    case "extending" -> OperationKind.EXTEND;
                    case "shrinking" -> OperationKind.SHRINK;
                    case "replication_change" -> OperationKind.REPLICATION;
                    default -> OperationKind.ACCESS_SYNC;
                };
                // one statement that checks again: an admin may have reset the share, or it may be gone
                if (adopt(dao, orphan, kind, now)) {
                    LOG.warn("share {} was {} with no operation to finish it; recorded a {} operation", orphan.id(),
                            orphan.status(), kind.wireName());
                }
            }
        });
    }

    /** Auto-commit: a racing insert that wins the share's unique key just means there is nothing left to adopt. */
    private static boolean adopt(OperationDao dao, OperationDao.Orphan orphan, OperationKind kind, Instant now) {
        try {
            return dao.adopt(UUID.randomUUID().toString(), orphan.id(), kind.wireName(), orphan.status(), now) == 1;
        } catch (UnableToExecuteStatementException e) {
            if (DuplicateKeys.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    private void runAndRelease(String shareId) {
        boolean released = false;
        try {
            do {
                inFlight.beginPass(shareId);
                runRounds(shareId);
            } while (inFlight.goAgain(shareId));
            released = true;
        } finally {
            if (!released) {
                inFlight.forget(shareId);
            }
        }
        if (backlog.compareAndSet(true, false)) {
            resumeUnattended();
        }
    }

    private void runRounds(String shareId) {
        try {
            for (int round = 0; round < MAX_ROUNDS && process(shareId); round++) {
                LOG.debug("share {}: more work queued meanwhile", shareId);
            }
        } catch (RuntimeException e) {
            // Left with our lease: the next resume pass runs it again.
            LOG.error("share {}: pending operation failed unexpectedly; it will be retried", shareId, e);
        }
    }

    /**
     * Runs the share's pending operation, if any and if this process gets its lease.
     *
     * @return whether the operation is still ours afterwards (access changes queued during the run)
     */
    boolean process(String shareId) {
        StepTimes steps = new StepTimes();
        Instant now = clock.instant(); // the run's start, for its hand-off
        Optional<Operation> ours = freshHere(shareId, now);
        if (ours.isEmpty()) {
            // Read under the row's lock: an admin's takeover in progress is waited for, not raced past.
            Optional<Operation> pending = jdbi.inTransaction(handle -> handle.attach(OperationDao.class).lockForShare(shareId));
            if (pending.isEmpty()) {
                return false;
            }
            recordedHere.remove(pending.get().id());
            ours = claim(pending.get(), now);
        }
        Optional<Share> share = jdbi.withExtension(ShareReadDao.class, shares -> shares.find(shareId));
        if (ours.isEmpty() || share.isEmpty()) {
            return false;
        }
        Operation operation = ours.get();
        ShareOperation kind = operations.get(operation.kind());
        Lease lease = new Lease(operation, nodeName(), clock, steps);
        if (operation.attempt() > MAX_ATTEMPTS) {
            LOG.error("share {}: {} started {} times without finishing; giving up on it", shareId,
                    operation.kind().wireName(), operation.attempt() - 1);
            kind.abandon(share.get(), lease);
            return false;
        }
        leased.add(operation.id());
        try {
            LOG.debug("share {}: running {} (attempt {})", shareId, operation.kind().wireName(), operation.attempt());
            steps.lap("lease");
            kind.run(share.get(), lease);
            steps.lap("rest");
        } catch (Lease.LeaseLostException e) {
            LOG.warn("{}; another process carries on", e.getMessage());
            return false;
        } finally {
            leased.remove(operation.id());
        }
        // A run that removed its operation knows it is gone (work recorded since was submitted, and goes round again).
        Optional<Operation> after = lease.removed() ? Optional.empty()
                : jdbi.withExtension(OperationDao.class, dao -> dao.forShare(shareId));
        if (after.isEmpty() || !after.get().id().equals(operation.id())) { // this run finished it
            Map<String, Duration> all = new LinkedHashMap<>();
            Duration handoff = Duration.between(operation.createdAt(), now); // wall clocks: the record's and ours
            all.put("handoff", handoff.isNegative() ? Duration.ZERO : handoff);
            all.putAll(steps.steps());
            // to the run's end, not to now: the look just above is not part of the operation
            Duration total = all.values().stream().reduce(Duration.ZERO, Duration::plus);
            timings.accept(new OperationTimings(kind.kind(), total, all));
        }
        return after.filter(left -> nodeName().equals(left.owner())).isPresent();
    }

    /**
     * The share's operation when this process recorded it a moment ago and nothing has run or withdrawn it since: it
     * is run without reading it under its row's lock, a transaction of its own (each commit a synchronous write). An
     * admin's takeover {@linkplain #withdraw withdraws} it first, so a run that finds it withdrawn takes the locked
     * path and waits for the takeover; one that took it first is in flight, and the takeover gives up. A takeover on
     * another node waits for the lease to expire by its own clock, and a fresh run needs half the lease left by this
     * node's: clocks further apart than half a lease (30 s by default) would let both act.
     */
    private Optional<Operation> freshHere(String shareId, Instant now) {
        if (recordedHere.isEmpty()) {
            return Optional.empty(); // resumes and later rounds: nothing of this life's to look for, no read
        }
        Optional<Operation> seen = jdbi.withExtension(OperationDao.class, dao -> dao.forShare(shareId));
        return seen.filter(operation -> recordedHere.remove(operation.id()) && isFreshAndOurs(operation, now));
    }

    /**
     * In an admin's takeover, with the operation's row locked: makes sure this process will not run the operation
     * as one it just recorded (its run then claims it under the row's lock, waiting for the takeover to end).
     *
     * @return true when no run here had started it; false when one had, or it was not recorded here
     */
    public boolean withdraw(String operationId) {
        return recordedHere.remove(operationId);
    }

    /**
     * An operation this process recorded a moment ago (in this life: after a restart every start counts),
     * never started, with most of its lease left, is already ours: taking the lease again would only cost
     * a commit, each one a synchronous write.
     */
    private boolean isFreshAndOurs(Operation operation, Instant now) {
        return nodeName().equals(operation.owner()) && operation.attempt() == 0
                && operation.leaseExpiresAt().isAfter(now.plus(settings.lease().dividedBy(2)));
    }

    /** Takes the lease (counting a start) and reads the operation back; empty when another process holds it. */
    private Optional<Operation> claim(Operation operation, Instant now) {
        if (jdbi.withExtension(OperationDao.class, dao -> dao.claim(operation.id(), nodeName(), leaseUntil(), now)) == 0) {
            LOG.debug("share {}: another process holds the lease of its operation", operation.shareId());
            return Optional.empty();
        }
        return jdbi.withExtension(OperationDao.class, dao -> dao.forShare(operation.shareId()))
                .filter(claimed -> nodeName().equals(claimed.owner()));
    }

    /** Whether this process is running or about to run the share's operation. */
    public boolean isInFlight(String shareId) {
        return inFlight.contains(shareId);
    }

    private void renewLeases() {
        try {
            if (!leased.isEmpty()) {
                jdbi.useExtension(OperationDao.class, dao -> dao.renew(nodeName(), Set.copyOf(leased), leaseUntil()));
            }
        } catch (RuntimeException e) {
            LOG.warn("could not renew the leases of {} running operation(s): {}", leased.size(), e.getMessage());
        }
    }

    /** Stops taking work and waits briefly for running operations; unfinished ones resume after restart. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("share workers still busy at shutdown; their operations resume after restart");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
