package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.manilaj.core.testing.TestDatabase;

/**
 * Two service processes on one PostgreSQL, fifty concurrent creates spread over both, one pool that
 * can hold exactly ten: exactly ten shares become available and the pool is never oversubscribed.
 */
class TwoNodeRaceTest {
    private static final int CAPACITY = 10;

    private static DropwizardTestSupport<ManilaConfiguration> node(String name, String url, Path shares) {
        return new DropwizardTestSupport<>(ManilaApplication.class, ResourceHelpers.resourceFilePath("test-manila.yml"),
                ConfigOverride.config("database.driverClass", "org.postgresql.Driver"),
                ConfigOverride.config("database.url", url),
                ConfigOverride.config("database.user", "postgres"),
                ConfigOverride.config("database.password", "postgres"),
                ConfigOverride.config("work.clustered", "true"),
                ConfigOverride.config("work.node_name", name),
                // Quartz keeps one scheduler per name in a JVM; real nodes are separate JVMs sharing one name.
                ConfigOverride.config("work.scheduler_name", "manila-" + name),
                ConfigOverride.config("backends[0].storage_root", shares.toString()),
                ConfigOverride.config("backends[0].pools[0].total_capacity_gb", Integer.toString(CAPACITY)),
                ConfigOverride.config("backends[0].pools[0].max_over_subscription_ratio", "1.0"));
    }

    @Test
    void twoNodesNeverOversubscribeAPool() throws Exception {
        DataSource database = TestDatabase.POSTGRES.create();
        String url = TestDatabase.postgresUrl(database);
        Path shares = TestPaths.tempDirectory("manila-two-nodes");
        DropwizardTestSupport<ManilaConfiguration> first = node("node-a", url, shares);
        DropwizardTestSupport<ManilaConfiguration> second = node("node-b", url, shares);
        first.before();
        second.before();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<ManilaClient> clients = List.of(new ManilaClient(first.getLocalPort()), new ManilaClient(second.getLocalPort()));
            clients.get(0).ensureDefaultType();
            List<Callable<String>> creates = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ManilaClient client = clients.get(i % 2);
                creates.add(() -> client.createShare(1));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> id : pool.invokeAll(creates)) {
                ids.add(id.get());
            }

            int available = 0;
            for (String id : ids) {
                Map<String, Object> share = awaitSettled(clients.get(0), id);
                if (share.get("status").equals("available")) {
                    available++;
                } else {
                    assertThat(share.get("status")).isEqualTo("error");
                }
            }
            assertThat(available).isEqualTo(CAPACITY);
            long allocated = TestDatabase.jdbi(database).withHandle(handle -> handle
                    .createQuery("SELECT allocated_capacity_gb FROM pools").mapTo(Long.class).one());
            long held = TestDatabase.jdbi(database).withHandle(handle -> handle
                    .createQuery("SELECT COALESCE(SUM(reserved_gb), 0) FROM shares").mapTo(Long.class).one());
            assertThat(allocated).isEqualTo(CAPACITY).isEqualTo(held);
            int messages = TestDatabase.jdbi(database).withHandle(handle -> handle
                    .createQuery("SELECT COUNT(*) FROM messages WHERE detail_id = '008'").mapTo(Integer.class).one());
            assertThat(messages).isEqualTo(50 - CAPACITY);
        } finally {
            pool.shutdownNow();
            second.after();
            first.after();
        }
    }

    private static Map<String, Object> awaitSettled(ManilaClient client, String id) throws InterruptedException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            Map<String, Object> share = client.get("/v2/shares/" + id).object("share");
            if (!share.get("status").equals("creating")) {
                return share;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("share " + id + " stayed in creating");
    }
}
