package org.manilaj.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.manilaj.core.testing.TestDatabase;

/** Job runs are told to an observer with their outcome: periodic and one-shot, succeeding and throwing. */
class QuartzJobsTest {
    private record Run(String job, boolean failed) {
    }

    @Test
    void everyRunIsObservedWithWhetherItsTaskThrew() throws Exception {
        BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
        try (QuartzJobs jobs = new QuartzJobs(TestDatabase.H2.create(), false, "jobs-test-" + System.nanoTime(), false, 2)) {
            jobs.observeRuns((job, took, failed) -> {
                assertThat(took.isNegative()).isFalse();
                runs.add(new Run(job, failed));
            });
            jobs.scheduleEvery("fine", Duration.ofHours(1), () -> { });
            jobs.scheduleEvery("broken", Duration.ofHours(1), () -> {
                throw new IllegalStateException("the task failed");
            });
            jobs.register("copy", argument -> {
                if (argument.equals("bad")) {
                    throw new IllegalStateException("the copy failed");
                }
            });
            jobs.start();
            jobs.runOnce("copy", "good");
            jobs.runOnce("copy", "bad");

            List<Run> seen = new ArrayList<>();
            while (seen.size() < 4) {
                Run run = runs.poll(20, TimeUnit.SECONDS);
                assertThat(run).as("runs so far: " + seen).isNotNull();
                seen.add(run);
            }
            assertThat(seen).containsExactlyInAnyOrder(new Run("fine", false), new Run("broken", true),
                    new Run("copy", false), new Run("copy", true));
        }
    }

    /** An observer that throws must not stop the job it observes (Quartz would leave its run unfinished). */
    @Test
    void anObserverThatThrowsDoesNotStopTheJobs() throws Exception {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        try (QuartzJobs jobs = new QuartzJobs(TestDatabase.H2.create(), false, "jobs-test-" + System.nanoTime(), false, 2)) {
            jobs.observeRuns((job, took, failed) -> {
                throw new IllegalStateException("the observer failed");
            });
            jobs.scheduleEvery("often", Duration.ofMillis(100), runs::incrementAndGet);
            jobs.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (runs.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(runs.get()).as("runs of a job every 100 ms").isGreaterThanOrEqualTo(3);
        }
    }
}
