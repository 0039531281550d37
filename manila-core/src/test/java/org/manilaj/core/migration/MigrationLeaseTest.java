package org.manilaj.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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
                    MigrationService.FILE_COPY, MigrationPhase.COPYING.wireName(), 1, 0, 0, 0, null, T0, T0));
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
        assertThat(dao.renew(id, "node-b", T0.plusSeconds(80))).as("only the holder renews").isZero();
        assertThat(dao.renew(id, "node-a", T0.plusSeconds(80))).isEqualTo(1);
        assertThat(dao.claim(id, "node-b", T0.plusSeconds(140), T0.plusSeconds(81))).as("node-a's lease ran out").isEqualTo(1);
        assertThat(dao.renew(id, "node-a", T0.plusSeconds(150))).as("node-a lost it").isZero();
        assertThat(dao.release(id, "node-a")).isZero();
        assertThat(dao.release(id, "node-b")).isEqualTo(1);
        assertThat(dao.claim(id, "node-a", T0.plusSeconds(200), T0.plusSeconds(100))).as("released: free").isEqualTo(1);
    }
}
