package org.manilaj.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.share.ShareReadDao;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.core.types.ShareTypeDao;
import org.manilaj.core.types.ShareTypeRow;
import org.manilaj.core.work.OperationDao;

/** Replica rows on both databases: what each caller sees, what the sync job picks, the lag rule. */
class ReplicaDaoTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static String insertShare(Jdbi jdbi, String project) {
        String typeId = UUID.randomUUID().toString();
        String shareId = UUID.randomUUID().toString();
        jdbi.useTransaction(handle -> {
            handle.attach(ShareTypeDao.class).insert(new ShareTypeRow(typeId, "type-" + typeId, null, true, T0));
            handle.attach(ShareDao.class).insert(new Share(shareId, project, "u", "s", null, 1, "NFS", typeId, null,
                    "available", "h@a#p", null, false, null, "active", T0, T0, 1, null));
        });
        return shareId;
    }

    private static ShareReplica secondary(String shareId, String host, Instant lastSync) {
        return new ShareReplica(UUID.randomUUID().toString(), shareId, host, "zone-b", null, ShareReplica.AVAILABLE,
                ShareReplica.IN_SYNC, 1, 1, null, lastSync, 10, 5, "127.0.0.1:/x", false, null, T0, T0);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void callersSeeTheirProjectsReplicasAndTheJobPicksWhatIsDue(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String mine = insertShare(jdbi, "mine");
        String theirs = insertShare(jdbi, "theirs");
        ReplicaDao dao = jdbi.onDemand(ReplicaDao.class);
        dao.insert(ShareReplica.active(UUID.randomUUID().toString(), mine, T0));
        ShareReplica recent = secondary(mine, "h@b#p", T0.plusSeconds(100));
        dao.insert(recent);
        ShareReplica stale = secondary(theirs, "h@c#p", T0);
        dao.insert(stale);

        assertThat(dao.visible("mine", null)).extracting(ShareReplica::shareId).containsOnly(mine).hasSize(2);
        assertThat(dao.visible(null, null)).hasSize(3);
        assertThat(dao.visible(null, theirs)).extracting(ShareReplica::id).containsExactly(stale.id());
        assertThat(dao.visible("mine", theirs)).isEmpty();
        assertThat(jdbi.onDemand(ShareReadDao.class).replicaRoles(List.of(mine, theirs)).stream()
                .filter(ReplicaDao.ReplicaRole::isSecondary).map(ReplicaDao.ReplicaRole::shareId)).containsExactlyInAnyOrder(mine, theirs);
        assertThat(dao.secondaries(mine)).isEqualTo(1);

        assertThat(dao.needingWork(T0.plusSeconds(50))).as("only the one synced before").containsExactly(theirs);
        jdbi.useExtension(OperationDao.class, operations -> operations.insertIfIdle(UUID.randomUUID().toString(), theirs,
                "replication", T0));
        assertThat(dao.needingWork(T0.plusSeconds(50))).as("busy: left for the next pass").isEmpty();
        int second = jdbi.withExtension(OperationDao.class, operations -> operations.insertIfIdle(
                UUID.randomUUID().toString(), theirs, "replication", T0));
        assertThat(second).as("one operation per share").isZero();

        assertThat(dao.markLagging(T0.plusSeconds(50), T0.plusSeconds(60))).isEqualTo(1);
        assertThat(dao.find(stale.id())).get().extracting(ShareReplica::replicaState).isEqualTo(ShareReplica.OUT_OF_SYNC);
        assertThat(dao.find(recent.id())).get().extracting(ShareReplica::replicaState).isEqualTo(ShareReplica.IN_SYNC);
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void aReplicaIsPlacedOnceAndTheRolesSwapWithTheShare(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String shareId = insertShare(jdbi, "p");
        ReplicaDao dao = jdbi.onDemand(ReplicaDao.class);
        ShareReplica creating = new ShareReplica(UUID.randomUUID().toString(), shareId, null, null, null,
                ShareReplica.CREATING, null, 0, 0, null, null, 0, 0, null, false, null, T0, T0);
        dao.insert(creating);
        assertThat(dao.place(creating.id(), "h@b#p", "zone-b", 1, T0)).isEqualTo(1);
        assertThat(dao.place(creating.id(), "h@c#p", "zone-b", 1, T0)).as("placed already").isZero();

        ShareDao shares = jdbi.onDemand(ShareDao.class);
        List<String> available = List.of("available");
        assertThat(shares.takeOverFromReplica(shareId, "h@b#p", "zone-b", 1, T0)).as("not promoting").isZero();
        assertThat(shares.transition(shareId, available, "replication_change", null, T0)).isEqualTo(1);
        assertThat(shares.transition(shareId, available, "replication_change", null, T0)).as("one promotion at a time")
                .isZero();
        assertThat(shares.takeOverFromReplica(shareId, "h@b#p", "zone-b", 1, T0)).isEqualTo(1);
        assertThat(dao.assignRole(creating.id(), null, null, 0, ShareReplica.ACTIVE, null, 0, null, null, T0)).isEqualTo(1);
        assertThat(dao.find(creating.id())).get().satisfies(replica -> {
            assertThat(replica.isActive()).isTrue();
            assertThat(replica.host()).isNull();
        });
    }

    /**
     * A delete or promotion asked while a sync of the replica runs stays asked when the sync records itself (it
     * used to set the replica available, and the request was lost); it is queued on the share's replication run
     * instead of being refused, and after a promotion the other secondaries are out of sync until recopied.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void requestsMadeDuringASyncAreQueuedOnItsRunAndKept(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String shareId = insertShare(jdbi, "p");
        ReplicaDao dao = jdbi.onDemand(ReplicaDao.class);
        ShareReplica promoting = secondary(shareId, "h@b#p", T0);
        ShareReplica deleting = secondary(shareId, "h@c#p", T0);
        ShareReplica creating = new ShareReplica(UUID.randomUUID().toString(), shareId, "h@d#p", null, null,
                ShareReplica.CREATING, null, 0, 0, null, null, 0, 0, null, false, null, T0, T0);
        ShareReplica other = secondary(shareId, "h@e#p", T0);
        List.of(promoting, deleting, creating, other).forEach(dao::insert);
        OperationDao operations = jdbi.onDemand(OperationDao.class);
        operations.insertIfIdle(UUID.randomUUID().toString(), shareId, "replication", T0); // a periodic sync's run
        String runId = operations.forShare(shareId).orElseThrow().id();
        operations.claim(runId, "node", T0.plusSeconds(60), T0);
        operations.claim(runId, "node", T0.plusSeconds(60), T0); // a run that failed once already

        assertThat(operations.requeue(shareId, "replication", T0)).as("queued on the run").isEqualTo(1);
        assertThat(operations.forShare(shareId)).get().extracting(org.manilaj.core.work.Operation::attempt)
                .as("the queued work gets its own tries").isEqualTo(0);
        assertThat(operations.requeue(shareId, "access_sync", T0)).as("not on a run of another kind").isZero();
        assertThat(operations.forShare(shareId)).get().extracting(org.manilaj.core.work.Operation::generation).isEqualTo(1);
        dao.transition(promoting.id(), ShareReplica.AVAILABLE, ShareReplica.REPLICATION_CHANGE, T0);
        dao.transition(deleting.id(), ShareReplica.AVAILABLE, ShareReplica.DELETING, T0);
        for (ShareReplica replica : List.of(promoting, deleting, creating)) {
            dao.recordSync(replica.id(), ShareReplica.IN_SYNC, 2, null, T0, 1, 1, T0);
        }
        assertThat(dao.find(promoting.id())).get().extracting(ShareReplica::status).isEqualTo(ShareReplica.REPLICATION_CHANGE);
        assertThat(dao.find(deleting.id())).get().extracting(ShareReplica::status).isEqualTo(ShareReplica.DELETING);
        assertThat(dao.find(creating.id())).get().extracting(ShareReplica::status).isEqualTo(ShareReplica.AVAILABLE);

        dao.restartSyncs(shareId, promoting.id(), deleting.id(), T0);
        assertThat(dao.find(other.id())).get().satisfies(replica -> {
            assertThat(replica.replicaState()).isEqualTo(ShareReplica.OUT_OF_SYNC);
            assertThat(replica.syncPass()).isZero();
        });
        assertThat(dao.find(promoting.id())).get().extracting(ShareReplica::syncPass).isEqualTo(2);
    }
}
