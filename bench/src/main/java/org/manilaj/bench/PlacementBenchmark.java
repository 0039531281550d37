package org.manilaj.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.manilaj.scheduler.PlacementRequest;
import org.manilaj.scheduler.PoolScheduler;
import org.manilaj.scheduler.PoolState;
import org.manilaj.scheduler.WeighedPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One placement decision (filters, weigher, normalisation, ranking) over N pools with a mix of thin
 * and thick pools, capabilities and zones, for a share type with three extra specs. Sample time: the
 * score is the mean, p0.50 and p0.99 are single requests' median and 99th percentile. {@code rank} is the
 * full ranking; {@code rankFirstAttempts} the first {@code max_placement_attempts} (10 by default) of it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PlacementBenchmark {
    @Param({"100", "1000", "10000"})
    int pools;

    private List<PoolState> snapshot;
    private PlacementRequest request;
    private final PoolScheduler scheduler = PoolScheduler.withDefaults();

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        snapshot = new ArrayList<>(pools);
        for (int i = 0; i < pools; i++) {
            double total = 100 + random.nextInt(10_000);
            double free = total * random.nextDouble();
            boolean thin = random.nextBoolean();
            snapshot.add(new PoolState("host" + (i % 50) + "@backend" + (i % 7) + "#pool" + i, total, free,
                    (long) (total * random.nextDouble() * 3), random.nextInt(10), 0, thin, thin ? 20.0 : 1.0,
                    i % 3 == 0 ? "east" : "nova",
                    Map.of("share_backend_name", "backend" + (i % 7), "storage_protocol", "NFS",
                            "driver_handles_share_servers", "False", "thin_provisioning", thin ? "True" : "False")));
        }
        request = PlacementRequest.create(50, Map.of("driver_handles_share_servers", "False",
                "storage_protocol", "<in> NFS", "thin_provisioning", "<is> True"), "nova");
    }

    @Benchmark
    public List<WeighedPool> rank() {
        return scheduler.rank(request, snapshot);
    }

    @Benchmark
    public List<WeighedPool> rankFirstAttempts() {
        return scheduler.rank(request, snapshot, 10);
    }
}
