package org.manilaj.core.jobs;

import java.util.function.Consumer;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stored run of a registered handler with one argument (a migration's id): the handler records its own
 * progress, so running it again after a crash continues where it stopped.
 */
@DisallowConcurrentExecution
public final class OneShotTaskJob implements Job {
    static final String KIND = "kind";
    static final String ARGUMENT = "argument";
    private static final Logger LOG = LoggerFactory.getLogger(OneShotTaskJob.class);

    @Override
    @SuppressWarnings("unchecked")
    public void execute(JobExecutionContext context) {
        String kind = context.getMergedJobDataMap().getString(KIND);
        String argument = context.getMergedJobDataMap().getString(ARGUMENT);
        try {
            Object handler = context.getScheduler().getContext().get(QuartzJobs.TASK_PREFIX + kind);
            if (handler instanceof Consumer<?> consumer) {
                ((Consumer<String>) consumer).accept(argument);
            } else {
                LOG.warn("no handler for {} jobs in this process; {} waits for the next start", kind, argument);
            }
        } catch (SchedulerException | RuntimeException e) {
            LOG.error("job {}:{} failed", kind, argument, e);
            context.setResult(e); // counted as a failed run
        }
    }
}
