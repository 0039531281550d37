package org.manilaj.core.jobs;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timing shell around one periodic task: finds the task registered under the job's name and runs
 * it, logging (never rethrowing) its failures so that the next run happens as planned.
 */
@DisallowConcurrentExecution
public final class PeriodicTaskJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicTaskJob.class);

    @Override
    public void execute(JobExecutionContext context) {
        String name = context.getJobDetail().getKey().getName();
        try {
            Object task = context.getScheduler().getContext().get(QuartzJobs.TASK_PREFIX + name);
            if (task instanceof Runnable runnable) {
                runnable.run();
            } else {
                LOG.warn("no task registered for job {} in this process", name);
            }
        } catch (SchedulerException | RuntimeException e) {
            LOG.error("periodic task {} failed", name, e);
            context.setResult(e); // counted as a failed run
        }
    }
}
