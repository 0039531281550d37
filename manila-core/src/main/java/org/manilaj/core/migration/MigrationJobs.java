package org.manilaj.core.migration;

/** Starts (or restarts) the durable job that carries a migration on; a Quartz job in the service. */
@FunctionalInterface
public interface MigrationJobs {
    void run(String migrationId);
}
