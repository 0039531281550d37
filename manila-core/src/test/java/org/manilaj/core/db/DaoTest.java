package org.manilaj.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.access.AccessRule;
import org.manilaj.core.access.AccessRuleDao;
import org.manilaj.core.placement.CapacityLedger;
import org.manilaj.core.pool.PoolDao;
import org.manilaj.core.share.ExportLocation;
import org.manilaj.core.share.ExportLocationDao;
import org.manilaj.core.share.MetadataItem;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareMetadataDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.core.types.ShareTypeDao;
import org.manilaj.core.types.ShareTypeRow;
import org.manilaj.core.work.LeaseDao;
import org.manilaj.core.work.OperationDao;

/** The DAOs against both real databases, from the same changelog. */
class DaoTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static Share share(String typeId, String project, String name, String status, int size, Instant createdAt) {
        return new Share(UUID.randomUUID().toString(), project, "user", name, "d", size, "NFS", typeId, null, status,
                null, null, false, null, "active", createdAt, createdAt, 0, null);
    }

    private static String insertType(Jdbi jdbi) {
        String id = UUID.randomUUID().toString();
        jdbi.useExtension(ShareTypeDao.class, types -> {
            types.insert(new ShareTypeRow(id, "type-" + id, null, true, T0));
            types.insertSpec(new ShareTypeDao.ExtraSpec(id, "driver_handles_share_servers", "False"));
        });
        return id;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void storesAndReadsBackAShareWithItsTypeMetadataAndExports(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String typeId = insertType(jdbi);
        Share share = share(typeId, "p1", "one", "creating", 3, T0);
        jdbi.useTransaction(handle -> {
            handle.attach(ShareDao.class).insert(share);
            handle.attach(ShareMetadataDao.class).insert(List.of(new MetadataItem(share.id(), "k", "v")));
        });
        ShareReadDao reads = jdbi.onDemand(ShareReadDao.class);
        Share read = reads.findInProject(share.id(), "p1").orElseThrow();
        assertThat(read.shareTypeName()).isEqualTo("type-" + typeId);
        assertThat(read.createdAt()).isEqualTo(T0);
        assertThat(read.sizeGb()).isEqualTo(3);
        assertThat(reads.findInProject(share.id(), "p2")).isEmpty();
        assertThat(reads.metadataOfShares(List.of(share.id())))
                .containsExactly(new MetadataItem(share.id(), "k", "v"));

        jdbi.onDemand(ExportLocationDao.class).insert(List.of(
                new ExportLocation(UUID.randomUUID().toString(), share.id(), "h:/a", true, false, T0)));
        assertThat(reads.exportsOf(share.id())).extracting(ExportLocation::path)
                .containsExactly("h:/a");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void listsFiltersSortsAndPages(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String typeId = insertType(jdbi);
        ShareDao shares = jdbi.onDemand(ShareDao.class);
        for (int i = 0; i < 5; i++) {
            shares.insert(share(typeId, "p1", "s" + i, i % 2 == 0 ? "available" : "error", i + 1, T0.plusSeconds(i)));
        }
        shares.insert(share(typeId, "p2", "other", "available", 1, T0));
        ShareReadDao reads = jdbi.onDemand(ShareReadDao.class);

        assertThat(reads.list("p1", false, null, null, null, "created_at", "desc", 1000, 0))
                .extracting(Share::name).containsExactly("s4", "s3", "s2", "s1", "s0");
        assertThat(reads.list("p1", false, null, "available", null, "size_gb", "asc", 1000, 0))
                .extracting(Share::name).containsExactly("s0", "s2", "s4");
        assertThat(reads.list("p1", false, "s3", null, typeId, "created_at", "desc", 1000, 0))
                .extracting(Share::name).containsExactly("s3");
        assertThat(reads.list("p1", false, null, null, null, "name", "asc", 2, 1))
                .extracting(Share::name).containsExactly("s1", "s2");
        assertThat(reads.list("ignored", true, null, null, null, "name", "asc", 1000, 0)).hasSize(6);
    }

    /** The list's pages come from index (project_id, created_at, id): shares made in the same instant page by id. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void pagesSharesMadeAtOneInstantByTheirIds(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String typeId = insertType(jdbi);
        ShareDao shares = jdbi.onDemand(ShareDao.class);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Share share = share(typeId, "p1", "s" + i, "available", 1, T0);
            shares.insert(share);
            ids.add(share.id());
        }
        shares.insert(share(typeId, "p2", "other", "available", 1, T0.plusSeconds(1)));
        List<String> descending = ids.stream().sorted(java.util.Comparator.reverseOrder()).toList();
        ShareReadDao reads = jdbi.onDemand(ShareReadDao.class);

        assertThat(java.util.stream.Stream.concat(reads.list("p1", false, null, null, null, "created_at", "desc", 2, 0).stream(),
                reads.list("p1", false, null, null, null, "created_at", "desc", 2, 2).stream()))
                .extracting(Share::id).containsExactlyElementsOf(descending);
        assertThat(reads.list("p1", false, null, null, null, "created_at", "asc", 3, 1))
                .extracting(Share::id).containsExactlyElementsOf(ids.stream().sorted().skip(1).toList());
        assertThat(reads.list("p1", true, null, null, null, "created_at", "desc", 2, 0))
                .extracting(Share::name).containsExactly("other", "s" + ids.indexOf(descending.get(0)));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void statusChangesAreConditionalAndOperationLeasesExclusive(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        Share share = share(insertType(jdbi), "p1", "s", "creating", 1, T0);
        ShareDao shares = jdbi.onDemand(ShareDao.class);
        OperationDao operations = jdbi.onDemand(OperationDao.class);
        LeaseDao leases = jdbi.onDemand(LeaseDao.class);
        shares.insert(share);
        operations.insert("op-1", share.id(), "create", "node-a", T0.plusSeconds(60), T0);
        boolean second = jdbi.withHandle(handle -> DuplicateKeys.insertUnlessPresent(handle, () -> handle.attach(OperationDao.class)
                .insert("op-2", share.id(), "delete", "node-b", T0.plusSeconds(60), T0)));
        assertThat(second).as("one operation per share").isFalse();

        assertThat(operations.claim("op-1", "node-b", T0.plusSeconds(120), T0.plusSeconds(30))).isZero();
        assertThat(operations.claim("op-1", "node-a", T0.plusSeconds(120), T0.plusSeconds(30))).isOne();
        assertThat(operations.unattended("node-b", T0.plusSeconds(30))).isEmpty();
        assertThat(operations.unattended("node-a", T0.plusSeconds(30))).as("ours from before a restart").containsExactly(share.id());
        assertThat(operations.renew("node-a", List.of("op-1"), T0.plusSeconds(200))).isOne();
        assertThat(operations.unattended("node-b", T0.plusSeconds(121))).as("renewed").isEmpty();
        assertThat(operations.unattended("node-b", T0.plusSeconds(201))).containsExactly(share.id());
        assertThat(operations.claim("op-1", "node-b", T0.plusSeconds(300), T0.plusSeconds(201))).isOne();
        assertThat(operations.forShare(share.id()).orElseThrow().attempt()).isEqualTo(2);

        assertThat(leases.advance("op-1", "node-a", "recording", 90, T0.plusSeconds(202))).as("lost lease").isZero();
        assertThat(leases.finish("op-1", "node-a", 0)).isZero();
        assertThat(operations.requeueAccessSync(share.id(), T0)).as("not an access sync").isZero();
        assertThat(leases.finish("op-1", "node-b", 0)).isOne();
        assertThat(shares.finish(share.id(), "creating", "available", T0.plusSeconds(122))).isOne();
        assertThat(shares.finish(share.id(), "creating", "available", T0.plusSeconds(122))).isZero();
        assertThat(shares.transition(share.id(), List.of("available", "error"), "deleting", null, T0.plusSeconds(123))).isOne();
        assertThat(shares.transition(share.id(), List.of("available", "error"), "deleting", null, T0.plusSeconds(123))).isZero();
        operations.insert("op-3", share.id(), "delete", "node-a", T0.plusSeconds(900), T0);
        assertThat(shares.deleteFinished(share.id())).isOne();
        assertThat(jdbi.onDemand(ShareReadDao.class).find(share.id())).isEmpty();
        assertThat(operations.forShare(share.id())).as("gone with its share").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void anAccessSyncEndsOnlyAtTheGenerationItApplied(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        Share share = share(insertType(jdbi), "p1", "s", "available", 1, T0);
        jdbi.onDemand(ShareDao.class).insert(share);
        OperationDao operations = jdbi.onDemand(OperationDao.class);
        LeaseDao leases = jdbi.onDemand(LeaseDao.class);
        operations.insert("op", share.id(), "access_sync", "node-a", T0.plusSeconds(60), T0);
        assertThat(operations.requeueAccessSync(share.id(), T0)).isOne();
        assertThat(leases.finish("op", "node-a", 0)).as("a rule was queued after generation 0 was read").isZero();
        assertThat(leases.finish("op", "node-a", 1)).isOne();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void sumsWhatTheSharesOnEachPoolHold(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String typeId = insertType(jdbi);
        ShareDao shares = jdbi.onDemand(ShareDao.class);
        for (int size : List.of(4, 5)) {
            Share share = share(typeId, "p1", "s", "creating", size, T0);
            shares.insert(share);
            assertThat(shares.place(share.id(), "h@b#p", "nova", size, T0)).isOne();
            assertThat(shares.place(share.id(), "h@b#other", "nova", size, T0)).as("placed once").isZero();
            if (size == 5) {
                assertThat(shares.clearReservation(share.id(), 5)).isOne();
                assertThat(shares.clearReservation(share.id(), 5)).as("released once").isZero();
            }
        }
        // only the share still holding its reservation counts, and only on its own pool
        assertThat(shares.reservedOn("h@b#other")).isZero();
        assertThat(shares.reservedOn("h@b#p")).isEqualTo(4);
        assertThat(shares.reservedOn("h@b#none")).isZero();
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void reservesOnPoolsOfUnknownCapacityAsManilaWould(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        PoolDao pools = jdbi.onDemand(PoolDao.class);
        pools.insertBackend("b", "h", "linux");
        pools.insertPool("h@b#p", "b", "p", 0);
        pools.updateStats("h@b#p", null, null, "{}", T0);
        assertThat(reserve(jdbi, 1000)).isTrue();
        pools.updateStats("h@b#p", null, 5.0, "{}", T0);
        assertThat(reserve(jdbi, 5)).isTrue();
        assertThat(reserve(jdbi, 6)).isFalse();
        assertThat(pools.release("h@b#p", 1005)).isOne();
        assertThat(pools.list().get(0).allocatedCapacityGb()).isZero();
    }

    /** An orphan is adopted only if it is still an orphan in the status it was seen in (an admin may have reset it). */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void adoptsAnOrphanOnlyInTheStatusItWasSeenIn(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String typeId = insertType(jdbi);
        Share stuck = share(typeId, "p1", "stuck", "creating", 1, T0);
        Share reset = share(typeId, "p1", "reset", "available", 1, T0);
        ShareDao shares = jdbi.onDemand(ShareDao.class);
        shares.insert(stuck);
        shares.insert(reset);
        OperationDao operations = jdbi.onDemand(OperationDao.class);
        assertThat(operations.orphans()).extracting(OperationDao.Orphan::id).containsExactly(stuck.id());
        assertThat(operations.adopt("op-1", reset.id(), "create", "creating", T0)).as("reset meanwhile").isZero();
        assertThat(operations.adopt("op-2", "no-such-share", "create", "creating", T0)).as("deleted meanwhile").isZero();
        assertThat(operations.adopt("op-3", stuck.id(), "create", "creating", T0)).isOne();
        assertThat(operations.adopt("op-4", stuck.id(), "create", "creating", T0)).as("adopted once").isZero();
        assertThat(operations.orphans()).isEmpty();
        assertThat(operations.forShare(stuck.id()).orElseThrow().owner()).isNull();
    }

    /**
     * A rule the backend failed is tried again the way it was going, and only while nothing moved it since: one the
     * tenant denied meanwhile, and that an abandoned sync then put in error, is never granted again.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aFailedRuleIsRetriedTheWayItWasGoingUnlessMovedSince(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        Share share = share(insertType(jdbi), "p1", "s", "available", 1, T0);
        jdbi.onDemand(ShareDao.class).insert(share);
        AccessRuleDao rules = jdbi.onDemand(AccessRuleDao.class);
        rules.insert(new AccessRule("rule-1", share.id(), "ip", "10.0.0.1", "rw", "applying", null, T0, T0));
        assertThat(rules.failForRetry(share.id(), "applying", "apply", T0)).isOne();
        assertThat(rules.failedRules(List.of("h@b#p"))).as("on no pool of those").isEmpty();

        rules.queueDeny("rule-1", share.id(), T0); // the tenant gives up on it
        rules.moveAll(share.id(), "queued_to_deny", "error", T0); // as an abandoned sync leaves it
        assertThat(rules.requeueFailed(share.id(), T0)).as("no longer to be applied").isZero();
        assertThat(rules.find("rule-1").orElseThrow().state()).isEqualTo("error");

        rules.insert(new AccessRule("rule-2", share.id(), "ip", "10.0.0.2", "rw", "denying", null, T0, T0));
        rules.failForRetry(share.id(), "denying", "deny", T0);
        assertThat(rules.requeueFailed(share.id(), T0)).isOne();
        assertThat(rules.find("rule-2").orElseThrow().state()).isEqualTo("queued_to_deny");
    }

    private static boolean reserve(Jdbi jdbi, int size) {
        return jdbi.inTransaction(handle -> CapacityLedger.reserve(handle, "h@b#p", size, true, 20, 0));
    }
}
