package org.manilaj.core.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.manilaj.core.ManilaException;
import org.manilaj.core.RequestContext;
import org.manilaj.core.pool.BackendRegistry;
import org.manilaj.core.pool.BackendRegistry.PoolEntry;
import org.manilaj.driver.BackendInventory;
import org.manilaj.driver.ShareDriver;
import org.manilaj.driver.ShareRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the database with every backend: data on a host that no share, replica or migration accounts for, shares
 * whose data is not where the database says, exports and snapshots nothing needs any more, entries the service did
 * not make, pools whose provisioned sum differs from what their shares reserve, and quota usage that differs from the
 * shares held. With {@code fix}, removes what it can prove is an orphan: real directories (never links or files),
 * exports and snapshots of ids no share row has (checked again just before each removal), never anything of a share
 * that has a row, and nothing at all when the database holds no share (more likely the wrong database).
 *
 * <p>Each backend is listed before the database is read: whatever a host shows then was made after its row was
 * written (creates, replicas and migrations write their rows first), so an operation under way is never an orphan.
 */
public final class BooksAudit {
    private static final Logger LOG = LoggerFactory.getLogger(BooksAudit.class);
    private static final Pattern SHARE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern SNAPSHOT = Pattern.compile("(" + SHARE_ID.pattern() + ")@[a-z]+-[0-9]+");
    /** A share in one of these is being worked on: what it holds and reserves may change under the audit. */
    private static final Set<String> BUSY = Set.of("creating", "deleting", "extending", "shrinking", "migrating",
            "replication_change");
    /** Statuses in which a share's data must be on its pool. */
    private static final Set<String> HOLDS_DATA = Set.of("available", "extending_error", "shrinking_error");

    private final Jdbi jdbi;
    private final BackendRegistry registry;

    public BooksAudit(Jdbi jdbi, BackendRegistry registry) {
        this.jdbi = jdbi;
        this.registry = registry;
    }

    /** The database's view: which share ids belong where, and what is reserved. */
    private record Books(Map<String, ShareRow> shares, Map<String, Set<String>> expectedByPool,
                         Map<String, Set<String>> availableReplicasByPool,
                         Set<String> withSnapshots, Map<String, Long> reservedByPool, Map<String, Long> allocatedByPool,
                         Map<String, Map<String, Long>> usageByProject, Map<String, Map<String, Long>> heldByProject,
                         Set<String> busyProjects) {
    }

    private record ShareRow(String id, String projectId, String host, String status, int sizeGb) {
    }

    public AuditReport run(RequestContext context, boolean fix) {
        if (!context.admin()) {
            throw ManilaException.forbidden("Only admins may audit the service's books.");
        }
        Map<String, BackendInventory> inventories = new TreeMap<>();
        List<Finding> findings = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        registry.drivers().forEach((backend, driver) -> {
            try {
                Optional<BackendInventory> inventory = driver.inventory();
                inventory.ifPresent(listed -> inventories.put(backend, listed));
                if (inventory.isEmpty()) {
                    notChecked.add("backend " + backend + ": its driver cannot list what the host holds");
                }
            } catch (RuntimeException e) {
                findings.add(new Finding("backend_unreachable", backend, "-", e.getMessage(),
                        "check the host (SSH, disk) and run the audit again: its shares were not checked", false));
            }
        });
        // one consistent view of the database: a promotion or a create committing half-way through must not show
        Books books = jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, BooksAudit::read);
        inventories.forEach((backend, inventory) -> findings.addAll(backend(backend, inventory, books, fix)));
        findings.addAll(poolBooks(books));
        findings.addAll(quotas(books));
        if (!books.busyProjects().isEmpty()) {
            notChecked.add("pools' provisioned sums, and the quota usage of projects " + new java.util.TreeSet<>(books.busyProjects())
                    + ": operations under way move them (run the audit again when they end)");
        }
        findings.forEach(finding -> LOG.info("audit: {} {} {}: {} ({})", finding.kind(), finding.where(), finding.subject(),
                finding.detail(), finding.action()));
        return new AuditReport(findings, notChecked);
    }

    private static Books read(Handle handle) {
        Map<String, ShareRow> shares = new HashMap<>();
        Map<String, Set<String>> expected = new HashMap<>();
        Map<String, Long> reserved = new HashMap<>();
        each(handle, "SELECT id, project_id, host, status, size_gb, reserved_gb FROM shares", rs -> {
            ShareRow share = new ShareRow(rs.getString("id"), rs.getString("project_id"), rs.getString("host"),
                    rs.getString("status"), rs.getInt("size_gb"));
            shares.put(share.id(), share);
            if (share.host() != null) {
                expected.computeIfAbsent(share.host(), pool -> new HashSet<>()).add(share.id());
                reserved.merge(share.host(), rs.getLong("reserved_gb"), Long::sum);
            }
        });
        Set<String> withSnapshots = new HashSet<>();
        Map<String, Map<String, Long>> held = new HashMap<>();
        shares.values().forEach(share -> {
            Map<String, Long> project = held.computeIfAbsent(share.projectId(), p -> new HashMap<>());
            project.merge("shares", 1L, Long::sum);
            project.merge("gigabytes", (long) share.sizeGb(), Long::sum);
        });
        Map<String, Set<String>> availableReplicas = new HashMap<>();
        each(handle, "SELECT share_id, host, reserved_gb, status FROM share_replicas", rs -> {
            String shareId = rs.getString("share_id");
            if (rs.getString("host") != null && "available".equals(rs.getString("status"))) {
                availableReplicas.computeIfAbsent(rs.getString("host"), pool -> new HashSet<>()).add(shareId);
            }
            if (rs.getString("host") != null) {
                expected.computeIfAbsent(rs.getString("host"), pool -> new HashSet<>()).add(shareId);
                reserved.merge(rs.getString("host"), rs.getLong("reserved_gb"), Long::sum);
            }
            withSnapshots.add(shareId);
            ShareRow share = shares.get(shareId);
            if (share != null) {
                Map<String, Long> project = held.computeIfAbsent(share.projectId(), p -> new HashMap<>());
                project.merge("share_replicas", 1L, Long::sum);
                project.merge("replica_gigabytes", (long) share.sizeGb(), Long::sum);
            }
        });
        each(handle, "SELECT share_id, source_host, dest_host, dest_reserved_gb FROM share_migrations", rs -> {
            String shareId = rs.getString("share_id");
            expected.computeIfAbsent(rs.getString("source_host"), pool -> new HashSet<>()).add(shareId);
            expected.computeIfAbsent(rs.getString("dest_host"), pool -> new HashSet<>()).add(shareId);
            ShareRow share = shares.get(shareId);
            if (share == null || !rs.getString("dest_host").equals(share.host())) {
                // after the cut-over the share's own reservation is on the destination: not counted twice
                reserved.merge(rs.getString("dest_host"), rs.getLong("dest_reserved_gb"), Long::sum);
            }
            withSnapshots.add(shareId);
        });
        Map<String, Long> allocated = new HashMap<>();
        each(handle, "SELECT name, allocated_capacity_gb FROM pools", rs -> {
            allocated.put(rs.getString("name"), rs.getLong("allocated_capacity_gb"));
        });
        Map<String, Map<String, Long>> usage = new HashMap<>();
        each(handle, "SELECT project_id, resource, in_use FROM quota_usages", rs -> {
            usage.computeIfAbsent(rs.getString("project_id"), p -> new HashMap<>()).put(rs.getString("resource"), rs.getLong("in_use"));
        });
        Set<String> busyProjects = new HashSet<>();
        shares.values().stream().filter(share -> BUSY.contains(share.status())).forEach(share -> busyProjects.add(share.projectId()));
        handle.createQuery("SELECT s.project_id FROM share_replicas r JOIN shares s ON s.id = r.share_id"
                + " WHERE r.status IN ('creating', 'deleting')").mapTo(String.class).forEach(busyProjects::add);
        return new Books(shares, expected, availableReplicas, withSnapshots, reserved, allocated, usage, held, busyProjects);
    }

    /** One row of a query, as the result set stands on it. */
    @FunctionalInterface
    private interface RowReader {
        void read(java.sql.ResultSet row) throws java.sql.SQLException;
    }

    /** Runs {@code sql} and hands each row to {@code reader}: the books are sums and sets, not lists of objects. */
    private static void each(Handle handle, String sql, RowReader reader) {
        handle.createQuery(sql).scanResultSet((results, ctx) -> {
            java.sql.ResultSet rows = results.get();
            while (rows.next()) {
                reader.read(rows);
            }
            return null;
        });
    }

    private List<Finding> backend(String backend, BackendInventory inventory, Books books, boolean fix) {
        List<Finding> findings = new ArrayList<>();
        ShareDriver driver = registry.drivers().get(backend);
        Map<String, PoolEntry> pools = new HashMap<>();
        registry.pools().stream().filter(pool -> pool.backend().equals(backend)).forEach(pool -> pools.put(pool.pool(), pool));
        Set<String> expectedOnBackend = new HashSet<>();
        for (BackendInventory.Area area : inventory.areas()) {
            // pools may share a storage root: what any of them holds belongs there
            Set<String> expected = new HashSet<>();
            area.pools().stream().map(pools::get).filter(java.util.Objects::nonNull)
                    .forEach(pool -> expected.addAll(books.expectedByPool().getOrDefault(pool.fullName(), Set.of())));
            expectedOnBackend.addAll(expected);
            PoolEntry first = pools.get(area.pools().iterator().next());
            String where = area.pools().size() == 1 ? first.fullName() : backend + " " + new java.util.TreeSet<>(area.pools());
            for (String other : area.others()) {
                findings.add(new Finding("unknown_entry", where, other, "an entry the service did not make in the storage"
                        + " root (a file, a link, a hidden entry, or '?' for a name with unusual characters)",
                        "move it out of the storage root (the audit never removes it)", false));
            }
            for (String entry : area.directories()) {
                if (!SHARE_ID.matcher(entry).matches()) {
                    findings.add(new Finding("unknown_entry", where, entry, "a directory the service did not make in the"
                            + " storage root", "move it out of the storage root (the audit never removes it)", false));
                } else if (!expected.contains(entry)) {
                    findings.add(orphanShare(first, where, entry, books, fix));
                }
            }
            for (String name : area.pools()) {
                PoolEntry pool = pools.get(name);
                for (String id : pool == null ? Set.<String>of() : books.expectedByPool().getOrDefault(pool.fullName(), Set.of())) {
                    ShareRow share = books.shares().get(id);
                    if (!area.directories().contains(id) && share != null && pool.fullName().equals(share.host())
                            && HOLDS_DATA.contains(share.status())) {
                        findings.add(new Finding("missing_share", pool.fullName(), id, "the share is " + share.status()
                                + " on this pool, but its data is not there", "restore its data from a backup, or reset its"
                                + " status to error and delete it", false));
                    }
                    boolean replicaHere = books.availableReplicasByPool().getOrDefault(pool.fullName(), Set.of()).contains(id);
                    if (!area.directories().contains(id) && share != null && !pool.fullName().equals(share.host()) && replicaHere
                            && !BUSY.contains(share.status())) {
                        findings.add(new Finding("missing_share", pool.fullName(), id, "a replica of the share is available"
                                + " on this pool, but its data is not there", "delete the replica and create it again", false));
                    }
                }
            }
            for (String snapshot : area.snapshots()) {
                java.util.regex.Matcher name = SNAPSHOT.matcher(snapshot);
                if (name.matches() && !books.withSnapshots().contains(name.group(1))) {
                    findings.add(leftoverSnapshot(first, where, name.group(1), snapshot, books, fix));
                }
            }
        }
        for (String exported : inventory.exports()) {
            if (SHARE_ID.matcher(exported).matches() && !expectedOnBackend.contains(exported)) {
                Finding finding = new Finding("orphan_export", backend, exported, "an export for a share this backend does not"
                        + " hold", books.shares().containsKey(exported) ? "check it and remove it by hand (its share has a row)"
                        : "--fix removes it", false);
                findings.add(fix && fixAllowed(books) && !books.shares().containsKey(exported) && noRow(exported)
                        ? removed(finding, () -> driver.removeExport(exported), "removed the export") : finding);
            }
        }
        return findings;
    }

    /**
     * A database without a single share is more likely the wrong one (a new, empty schema where the service was started
     * from another directory) than a deployment whose every share is an orphan: nothing is removed on its word.
     */
    private static boolean fixAllowed(Books books) {
        return !books.shares().isEmpty();
    }

    private Finding orphanShare(PoolEntry pool, String where, String id, Books books, boolean fix) {
        ShareRow share = books.shares().get(id);
        if (share != null) {
            return new Finding("orphan_share", where, id, "a copy of share " + id + ", which is " + share.status()
                    + " on " + share.host(), "check that the copy is not needed, then remove it by hand (the audit never"
                    + " removes data of a share that has a row)", false);
        }
        Finding finding = new Finding("orphan_share", where, id, "data of no share, replica or migration",
                fixAllowed(books) ? "--fix removes it" : "--fix refuses: the database holds no share at all (is it the right"
                        + " one?)", false);
        return fix && fixAllowed(books) && noRow(id) ? removed(finding, () -> pool.driver().delete(new ShareRef(id, pool.pool(), 1)),
                "removed the data and its export") : finding;
    }

    /** Only a snapshot of an id no share has is removed: a live share's may be the start of a migration. */
    private Finding leftoverSnapshot(PoolEntry pool, String where, String id, String snapshot, Books books, boolean fix) {
        boolean ownerless = !books.shares().containsKey(id);
        Finding finding = new Finding("leftover_snapshot", where, snapshot, "a snapshot no migration or replication"
                + " of share " + id + " needs", ownerless ? "--fix removes it" : "check it and remove it by hand (its share"
                + " has a row)", false);
        Optional<org.manilaj.driver.ShareSnapshots> snapshots = pool.driver().snapshots();
        if (!fix || !ownerless || !fixAllowed(books) || snapshots.isEmpty() || !noRow(id)) {
            return finding;
        }
        return removed(finding, () -> snapshots.get().delete(new ShareRef(id, pool.pool(), 1), snapshot), "removed the snapshot");
    }

    private static Finding removed(Finding finding, Runnable removal, String what) {
        try {
            removal.run();
            return finding.fixedBy(what);
        } catch (RuntimeException e) {
            return new Finding(finding.kind(), finding.where(), finding.subject(), finding.detail(),
                    "--fix could not remove it: " + e.getMessage(), false);
        }
    }

    /** Checked again just before a removal: a share of that id may have been created since the audit read the books. */
    private boolean noRow(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM shares WHERE id = :id").bind("id", id)
                .mapTo(Long.class).one()) == 0;
    }

    private List<Finding> poolBooks(Books books) {
        List<Finding> findings = new ArrayList<>();
        if (!books.busyProjects().isEmpty()) {
            return findings; // reservations move while operations run: compared when none is under way
        }
        new TreeMap<>(books.allocatedByPool()).forEach((pool, allocated) -> {
            long reserved = books.reservedByPool().getOrDefault(pool, 0L);
            if (reserved != allocated) {
                findings.add(new Finding("pool_books", pool, "allocated_capacity_gb", "the pool counts " + allocated
                        + " GiB provisioned, its shares, replicas and migrations reserve " + reserved + " GiB",
                        "placement sees the pool " + (allocated > reserved ? "fuller" : "emptier") + " than it is: report it"
                                + " as a bug with the service's log", false));
            }
        });
        return findings;
    }

    private List<Finding> quotas(Books books) {
        List<Finding> findings = new ArrayList<>();
        Set<String> projects = new java.util.TreeSet<>(books.usageByProject().keySet());
        projects.addAll(books.heldByProject().keySet());
        for (String project : projects) {
            if (books.busyProjects().contains(project)) {
                continue;
            }
            for (String resource : List.of("shares", "gigabytes", "share_replicas", "replica_gigabytes")) {
                long used = books.usageByProject().getOrDefault(project, Map.of()).getOrDefault(resource, 0L);
                long held = books.heldByProject().getOrDefault(project, Map.of()).getOrDefault(resource, 0L);
                if (used != held) {
                    findings.add(new Finding("quota_usage", project, resource, "quota usage says " + used + ", the project"
                            + " holds " + held, "the project can create " + (used > held ? "less" : "more") + " than its"
                            + " quota allows: report it as a bug with the service's log", false));
                }
            }
        }
        return findings;
    }
}
