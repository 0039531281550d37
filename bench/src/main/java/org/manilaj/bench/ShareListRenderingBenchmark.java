package org.manilaj.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.manilaj.api.filters.ApiVersion;
import org.manilaj.api.views.ShareView;
import org.manilaj.core.share.ExportLocation;
import org.manilaj.core.share.Share;
import org.manilaj.core.share.ShareDetails;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The body of {@code GET /v2/shares/detail}: N shares through the Manila view and the service's ObjectMapper. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ShareListRenderingBenchmark {
    @Param({"50"})
    int shares;

    private final ObjectMapper mapper = Jackson.newObjectMapper();
    private final ShareView view = new ShareView(new ApiVersion(2, 65), URI.create("http://127.0.0.1:8786/"), true);
    private List<ShareDetails> details;

    @Setup
    public void setUp() {
        details = new ArrayList<>();
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        for (int i = 0; i < shares; i++) {
            String id = UUID.randomUUID().toString();
            Share share = new Share(id, "9f3c6a1e2b7d4c58a0e1f2d3c4b5a697", "admin", "share-" + i, "a share", 1 + i % 10,
                    "NFS", UUID.randomUUID().toString(), "default", "available", "manila@local#pool0", "nova", false, null,
                    "active", now, now, 1, null);
            details.add(new ShareDetails(share, Map.of("k", "v"), List.of(new ExportLocation(UUID.randomUUID().toString(),
                    id, "127.0.0.1:/var/shares/" + id, true, false, now))));
        }
    }

    @Benchmark
    public byte[] renderDetailList() throws Exception {
        return mapper.writeValueAsBytes(Map.of("shares", details.stream().map(view::detail).toList()));
    }
}
