package org.manilaj.core.jobs;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.listeners.JobListenerSupport;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz with its JDBC job store in the service's own database: jobs and triggers survive restarts,
 * and on PostgreSQL several processes form one cluster in which each periodic job runs on one node at
 * a time. Tasks are plain {@link Runnable}s registered by name in this process.
 */
public final class QuartzJobs implements AutoCloseable {
    static final String TASK_PREFIX = "task:";
    private static final Logger LOG = LoggerFactory.getLogger(QuartzJobs.class);
    private static final String GROUP = "manila";
    /** Kept apart from the periodic jobs, which {@link #removeAllExcept} prunes. */
    private static final String ONE_SHOT_GROUP = "manila-once";

    private final Scheduler scheduler;

    /**
     * @param dataSource a pool used by Quartz alone (its job store switches auto-commit off)
     * @param postgres whether the database is PostgreSQL (selects Quartz's delegate for it)
     * @param schedulerName the same on every node of a cluster
     * @param clustered whether several processes share the database
     */
    public QuartzJobs(DataSource dataSource, boolean postgres, String schedulerName, boolean clustered, int threads) {
        String dataSourceName = "manila-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new DataSourceConnectionProvider(dataSource));
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.instanceName", schedulerName);
        properties.setProperty("org.quartz.scheduler.instanceId", clustered ? "AUTO" : "NON_CLUSTERED");
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        properties.setProperty("org.quartz.jobStore.driverDelegateClass", postgres
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        properties.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        properties.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        properties.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(clustered));
        properties.setProperty("org.quartz.jobStore.useProperties", "true");
        properties.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        try {
            scheduler = new StdSchedulerFactory(properties).getScheduler();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the Quartz scheduler", e);
        }
    }

    /**
     * Runs {@code task} every {@code interval}, replacing any stored schedule of the same name so that a
     * changed interval takes effect.
     */
    public void scheduleEvery(String name, Duration interval, Runnable task) {
        try {
            scheduler.getContext().put(TASK_PREFIX + name, task);
            JobDetail job = JobBuilder.newJob(PeriodicTaskJob.class)
                    .withIdentity(name, GROUP)
                    .storeDurably()
                    .requestRecovery(true)
                    .build();
            Trigger trigger = TriggerBuilder.newTrigger()
                    .withIdentity(name, GROUP)
                    .forJob(job)
                    .startNow()
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                            .withIntervalInMilliseconds(interval.toMillis())
                            .repeatForever()
                            .withMisfireHandlingInstructionNextWithRemainingCount())
                    .build();
            scheduler.scheduleJob(job, Set.of(trigger), true);
            LOG.info("job {} runs every {}", name, interval);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule job " + name, e);
        }
    }

    /** Runs a job {@link #scheduleEvery} scheduled now, besides its schedule (after its current run, if one is on). */
    public void fireNow(String name) {
        try {
            scheduler.triggerJob(new JobKey(name, GROUP));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot fire job " + name, e);
        }
    }

    /**
     * Makes {@code handler} the code behind one-shot jobs named {@code kind:<argument>} in this process
     * (see {@link #runOnce}).
     */
    public void register(String kind, java.util.function.Consumer<String> handler) {
        try {
            scheduler.getContext().put(TASK_PREFIX + kind, handler);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot register " + kind, e);
        }
    }

    /**
     * Stores and fires a one-shot job that calls the {@code kind} handler with {@code argument}: in the
     * database, with recovery requested, so a job cut short by a crash runs again after the restart (on
     * PostgreSQL, on whichever node of the cluster is alive); one run per job at a time.
     */
    public void runOnce(String kind, String argument) {
        try {
            JobDetail job = JobBuilder.newJob(OneShotTaskJob.class)
                    .withIdentity(kind + ":" + argument, ONE_SHOT_GROUP)
                    .usingJobData(OneShotTaskJob.KIND, kind)
                    .usingJobData(OneShotTaskJob.ARGUMENT, argument)
                    .requestRecovery(true)
                    .build();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity(kind + ":" + argument, ONE_SHOT_GROUP)
                    .forJob(job).startNow().build();
            scheduler.scheduleJob(job, Set.of(trigger), true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start job " + kind + ":" + argument, e);
        }
    }

    /** Told of every job run in this process. */
    @FunctionalInterface
    public interface RunObserver {
        /**
         * @param job the periodic job's name, or a one-shot job's kind ({@code migration})
         * @param failed whether its task threw
         */
        void ran(String job, Duration took, boolean failed);
    }

    /** Tells {@code observer} of every run of our jobs in this process, once it ends. */
    public void observeRuns(RunObserver observer) {
        try {
            scheduler.getListenerManager().addJobListener(new JobListenerSupport() {
                @Override
                public String getName() {
                    return "run-observer-" + System.identityHashCode(observer);
                }

                @Override
                public void jobWasExecuted(JobExecutionContext context, JobExecutionException exception) {
                    boolean oneShot = ONE_SHOT_GROUP.equals(context.getJobDetail().getKey().getGroup());
                    String job = oneShot ? context.getMergedJobDataMap().getString(OneShotTaskJob.KIND)
                            : context.getJobDetail().getKey().getName();
                    try {
                        observer.ran(job, Duration.ofMillis(Math.max(0, context.getJobRunTime())),
                                exception != null || context.getResult() instanceof Throwable);
                    } catch (RuntimeException e) {
                        // thrown out of a listener, it would leave the run unfinished in Quartz's store: the job would stop
                        LOG.warn("the observer of job {} failed", job, e);
                    }
                }
            });
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot observe job runs", e);
        }
    }

    /** Deletes stored jobs of ours that are not in {@code keep}, such as the stats job of a removed backend. */
    public void removeAllExcept(Set<String> keep) {
        try {
            for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
                if (!keep.contains(key.getName())) {
                    scheduler.deleteJob(key);
                    LOG.info("removed job {}, which the configuration no longer has", key.getName());
                }
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot clean up stored jobs", e);
        }
    }

    public void start() {
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start Quartz", e);
        }
    }

    /** Stops Quartz, waiting for running jobs to finish. */
    @Override
    public void close() {
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            LOG.warn("Quartz did not shut down cleanly", e);
        }
    }
}
