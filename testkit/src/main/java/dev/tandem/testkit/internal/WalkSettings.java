package dev.tandem.testkit.internal;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.AppVersion;
import dev.tandem.testkit.DatabaseAction;
import dev.tandem.testkit.PhaseRunner;
import dev.tandem.testkit.database.TestDatabase;
import java.time.Duration;
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
        Duration writerTimeout) {}
