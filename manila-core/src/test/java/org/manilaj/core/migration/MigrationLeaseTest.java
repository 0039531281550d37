package org.manilaj.core.migration;

import org.manilaj.core.copy.FileCopyEngine;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDao;
import org.manilaj.core.testing.TestDatabase;
import org.manilaj.core.types.ShareTypeDao;
import org.manilaj.core.types.ShareTypeRow;

/** A migration's lease on both databases: one node at a time, taken over only once it has run out. */
class MigrationLeaseTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static String insertMigration(Jdbi jdbi) {
        String typeId = UUID.randomUUID().toString();
        String shareId = UUID.randomUUID().toString();
        String migrationId = UUID.randomUUID().toString();
        jdbi.useTransaction(handle -> {
            handle.attach(ShareTypeDao.class).insert(new ShareTypeRow(typeId, "type-" + typeId, null, true, T0));
            handle.attach(ShareDao.class).insert(new Share(shareId, "p", "u", "s", null, 1, "NFS", typeId, null, "migrating",
                    "h@a#p", null, false, "migration_driver_in_progress", "active", T0, T0, 1, null));
            handle.attach(MigrationDao.class).insert(new ShareMigration(migrationId, shareId, "h@a#p", "h@b#p", null, 1, false,
                    FileCopyEngine.NAME, MigrationPhase.COPYING.wireName(), 1, 0, 0, 0, null, null, T0, T0));
        });
        return migrationId;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void oneNodeHoldsAMigrationUntilItsLeaseRunsOut(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String id = insertMigration(jdbi);
        MigrationDao dao = jdbi.onDemand(MigrationDao.class);
        assertThat(dao.claim(id, "node-a", T0.plusSeconds(60), T0)).isEqualTo(1);
        assertThat(dao.claim(id, "node-b", T0.plusSeconds(70), T0.plusSeconds(10))).as("held by node-a").isZero();
        assertThat(dao.claim(id, "node-a", T0.plusSeconds(70), T0.plusSeconds(10))).as("node-a again, after a restart").isEqualTo(1);
        assertThat(dao.renew(id, "node-b", T0.plusSeconds(80), T0.plusSeconds(20))).as("only the holder renews").isZero();
        assertThat(dao.renew(id, "node-a", T0.plusSeconds(80), T0.plusSeconds(20))).isEqualTo(1);
        assertThat(dao.renew(id, "node-a", T0.plusSeconds(150), T0.plusSeconds(81))).as("run out: not renewable").isZero();
        assertThat(dao.claim(id, "node-b", T0.plusSeconds(140), T0.plusSeconds(81))).as("node-a's lease ran out").isEqualTo(1);
        assertThat(dao.renew(id, "node-a", T0.plusSeconds(150), T0.plusSeconds(90))).as("node-a lost it").isZero();
        assertThat(dao.release(id, "node-a")).isZero();
        assertThat(dao.fail(id, MigrationPhase.COPYING.wireName(), "node-a", "late", T0.plusSeconds(91)))
                .as("a node that lost the lease cannot fail the migration").isZero();
        assertThat(dao.release(id, "node-b")).isEqualTo(1);
        assertThat(dao.claim(id, "node-a", T0.plusSeconds(200), T0.plusSeconds(100))).as("released: free").isEqualTo(1);
    }

    /** What the reconcile job gives a job again: nothing a live node holds, and nothing waiting for an admin. */
    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void onlyMigrationsNoLiveNodeHoldsAreResubmitted(TestDatabase database) {
        Jdbi jdbi = TestDatabase.jdbi(database.create());
        String id = insertMigration(jdbi);
        MigrationDao dao = jdbi.onDemand(MigrationDao.class);
        List<String> running = MigrationPhase.RUNNING.stream().map(MigrationPhase::wireName).toList();
        assertThat(dao.unattended(running, "node-b", T0)).extracting(ShareMigration::id).containsExactly(id);
        dao.claim(id, "node-a", T0.plusSeconds(60), T0);
        assertThat(dao.unattended(running, "node-b", T0.plusSeconds(30))).as("node-a holds it").isEmpty();
        assertThat(dao.unattended(running, "node-a", T0.plusSeconds(30))).as("its own, after a restart").hasSize(1);
        assertThat(dao.unattended(running, "node-b", T0.plusSeconds(61))).as("node-a's lease ran out").hasSize(1);
        dao.move(id, List.of(MigrationPhase.COPYING.wireName()), MigrationPhase.PHASE1_DONE.wireName(), T0.plusSeconds(62));
        assertThat(dao.unattended(running, "node-b", T0.plusSeconds(120))).as("waits for migration_complete").isEmpty();
    }
}
