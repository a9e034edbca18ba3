package dev.tandem.testkit.internal;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.AppVersion;
import dev.tandem.testkit.CompatibilityState;
import dev.tandem.testkit.DatabaseAction;
import dev.tandem.testkit.PhaseRunner;
import dev.tandem.testkit.database.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Everything a compatibility check was configured with.
 *
 * @param plan the plan
 * @param databases gives a fresh, empty database per path; the walker closes (drops) each
 * @param options the migrator's options; the walker sets the batch sizes and its lock recorder
 * @param schema creates the old version's schema, or {@code null}
 * @param seed loads seed data, or {@code null}
 * @param oldVersion the old application version
 * @param newVersion the new application version
 * @param seedRecords records the old version writes before expand, per kind
 * @param batchSize backfill batch size
 * @param maxReadBlockingLock the longest a phase may hold a lock that blocks reads
 * @param allowRewrites whether a phase may rewrite a table
 * @param phases how phases run
 * @param writerTimeout how long to wait for an application version to make progress
 * @param probes the states in which a version that may not run there runs too, its failures reported as not ready
 * @param betweenUnits whether the versions that may run are also checked after each unit of expand, contract and
 *     rollback but the last
 * @param accepted the steps whose blocking work (a full scan or a rewrite under a lock that blocks writes) the test
 *     accepts, with the reason, by step id
 * @param queryPlanMinRows the fewest rows of a table whose sequential scan fails a declared query
 */
public record WalkSettings(
        MigrationPlan plan,
        Supplier<TestDatabase> databases,
        PostgresOptions options,
        @Nullable DatabaseAction schema,
        @Nullable DatabaseAction seed,
        AppVersion oldVersion,
        AppVersion newVersion,
        int seedRecords,
        int batchSize,
        Duration maxReadBlockingLock,
        boolean allowRewrites,
        PhaseRunner phases,
        Duration writerTimeout,
        Set<CompatibilityState> probes,
        boolean betweenUnits,
        Map<String, String> accepted,
        long queryPlanMinRows) {
    /**
     * Copies the probed states.
     *
     * @param plan plan
     * @param databases databases
     * @param options options
     * @param schema schema
     * @param seed seed
     * @param oldVersion old version
     * @param newVersion new version
     * @param seedRecords seed records
     * @param batchSize batch size
     * @param maxReadBlockingLock max read-blocking lock
     * @param allowRewrites allow rewrites
     * @param phases phases
     * @param writerTimeout writer timeout
     * @param probes probed states
     * @param betweenUnits checks between units
     * @param accepted accepted blocking work
     * @param queryPlanMinRows fewest rows of a judged table
     */
    public WalkSettings {
        probes = Set.copyOf(probes);
        accepted = Map.copyOf(accepted);
    }
}
