package org.manilaj.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar on two local backends under a {@link MixedLoad} from three clients, killed with SIGKILL at random
 * moments twenty times and restarted each time: no answer is ever a 5xx; afterwards nothing is left in a transitional
 * status, and the audit finds the database and both backends in agreement (no orphan, nothing missing, pools' and
 * quotas' books straight).
 */
class MixedLoadKillNineSystemIT {
    private static final int KILLS = 20;
    private static final int CLIENTS = 3;

    @Test
    void everyOperationKilledAtRandomMomentsLeavesStraightBooks() throws Exception {
        Path work = Files.createTempDirectory("manila-mixed-kill");
        ServiceProcess service = new ServiceProcess(work, TwoBackendConfig.write(work), List.of("-Ddw.replication.interval=1s"));
        MixedLoad load = new MixedLoad();
        Random random = new Random();
        try {
            service.start();
            MixedLoad.createTypes(new ManilaClient(service.port()));
            for (int kill = 0; kill < KILLS; kill++) {
                AtomicBoolean running = new AtomicBoolean(true);
                ExecutorService clients = load.start(Collections.nCopies(CLIENTS, new ManilaClient(service.port())), running);
                Thread.sleep(300 + random.nextInt(1200));
                service.kill();
                running.set(false);
                MixedLoad.stop(clients);
                service.start();
            }
            ManilaClient client = new ManilaClient(service.port());
            List<Map<String, Object>> settled = MixedLoad.awaitSettled(client, Duration.ofSeconds(180));
            assertThat(load.serverErrors()).as("5xx answers under load").isEmpty();
            assertThat(settled).as("shares the load made").isNotEmpty();
            client.assertAuditClean();
        } finally {
            service.close();
        }
    }
}
