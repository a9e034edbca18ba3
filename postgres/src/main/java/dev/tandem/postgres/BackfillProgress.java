package dev.tandem.postgres;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Progress of one backfill step, reported after each batch.
 *
 * @param planId the plan's id
 * @param stepId the backfill step's id
 * @param table the table, as PostgreSQL shows it
 * @param rowsDone rows filled so far, across resumed runs
 * @param rowsEstimated the planner's estimate of rows to fill, or -1 if unknown
 * @param batches batches committed so far in this run
 * @param batchSize the size the next batch will have
 * @param rowsPerSecond rows filled per second in this run
 * @param eta estimated time to completion, or {@code null} if unknown
 * @param lastBatchRows rows the last batch filled
 * @param lastBatchDuration how long the last batch took, its commit included
 */
public record BackfillProgress(
        String planId,
        String stepId,
        String table,
        long rowsDone,
        long rowsEstimated,
        long batches,
        int batchSize,
        double rowsPerSecond,
        @Nullable Duration eta,
        long lastBatchRows,
        Duration lastBatchDuration) {

    /** {@return the estimated time to completion, if it can be estimated} */
    public Optional<Duration> remaining() {
        return Optional.ofNullable(eta);
    }
}
