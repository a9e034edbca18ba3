package dev.tandem.postgres;

import java.time.Duration;

/**
 * What a run of the backfill phase did, over all of the plan's backfill steps.
 *
 * @param planId the plan's id
 * @param rowsFilled rows filled in this run
 * @param rowsTotal rows filled across every run of this plan (a resumed backfill counts the earlier runs too)
 * @param batches batches committed in this run
 * @param rowwiseBatches batches that held a value the fast path could not map and were redone row by row
 * @param duration how long this run took
 */
public record BackfillReport(
        String planId, long rowsFilled, long rowsTotal, long batches, long rowwiseBatches, Duration duration) {

    /** {@return rows filled per second in this run} */
    public double rowsPerSecond() {
        double seconds = duration.toNanos() / 1e9;
        return seconds <= 0 ? 0 : rowsFilled / seconds;
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "Backfill of plan '%s': %d rows in %d batches (%d row by row) in %d ms, %.0f rows/s; %d rows in all runs",
                planId,
                rowsFilled,
                batches,
                rowwiseBatches,
                duration.toMillis(),
                rowsPerSecond(),
                rowsTotal);
    }
}
