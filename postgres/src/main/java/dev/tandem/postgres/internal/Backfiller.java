package dev.tandem.postgres.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.ErrorCode;
import dev.tandem.StepExecutionException;
import dev.tandem.plan.Backfill;
import dev.tandem.postgres.BackfillListener;
import dev.tandem.postgres.BackfillProgress;
import dev.tandem.postgres.PostgresOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the new columns of one backfill step in short batches on explicit primary-key ranges ({@code key > lo AND key
 * <= hi}, {@code hi} found first with an index-only query), never with {@code OFFSET} over the table nor a
 * {@code LIMIT} inside the UPDATE. Each batch is its own transaction and saves the cursor in it, so a crash redoes at
 * most the batch in flight. The upper bound is fixed when the backfill starts, after the sync trigger exists: later
 * rows are already in sync, so the backfill ends even under a sustained insert load.
 */
public final class Backfiller {
    private static final Logger log = LoggerFactory.getLogger(Backfiller.class);

    private final String planId;
    private final PostgresOptions options;
    private final StateStore store;

    /**
     * Creates a backfiller.
     *
     * @param planId the plan's id
     * @param options the options
     * @param store the state store
     */
    public Backfiller(String planId, PostgresOptions options, StateStore store) {
        this.planId = planId;
        this.options = options;
        this.store = store;
    }

    /**
     * What one step's run did.
     *
     * @param rows rows filled in this run
     * @param batches batches committed in this run
     * @param rowwiseBatches batches redone row by row
     */
    public record Result(long rows, long batches, long rowwiseBatches) {}

    /**
     * Runs (or resumes) the step.
     *
     * @param c the connection, autocommit
     * @param step the backfill step
     * @param sql its statements
     * @param listener progress receiver
     * @return what this run did
     * @throws SQLException when the connection fails
     */
    public Result run(Connection c, Backfill step, BackfillSql sql, BackfillListener listener) throws SQLException {
        String stepId = step.id().value();
        StateStore.BackfillRow row = store.backfill(c, planId, stepId).orElse(null);
        if (row == null) {
            String[] upper = maxKey(c, sql.maxKey());
            store.startBackfill(c, planId, stepId, upper);
            row = store.backfill(c, planId, stepId).orElseThrow();
            log.debug(
                    "{} - {}: upper bound {}",
                    planId,
                    stepId,
                    upper == null ? "none (empty table)" : Arrays.toString(upper));
        }
        if (row.finished() || row.upperBound() == null) {
            log.debug("{} - {}: already finished", planId, stepId);
            return new Result(0, 0, 0);
        }
        String[] upper = row.upperBound();
        String @Nullable [] cursor = row.cursor();
        long rowsDone = row.rowsDone();
        long estimate = estimate(c, sql.estimate());
        int batchSize = row.batchSize() > 0
                ? Math.max(options.minBatchSize(), Math.min(options.maxBatchSize(), row.batchSize()))
                : options.initialBatchSize();
        if (cursor != null) {
            log.info(
                    "{} - {}: resuming after key {} ({} rows already done)",
                    planId,
                    stepId,
                    Arrays.toString(cursor),
                    rowsDone);
        }
        long runStart = System.nanoTime();
        long lastLog = runStart;
        long rows = 0;
        long batches = 0;
        long rowwise = 0;
        int lockFailures = 0;
        long target = Math.max(1, options.targetBatchDuration().toNanos());
        while (true) {
            waitUntilHealthy(c);
            long t0 = System.nanoTime();
            Batch b;
            try {
                b = batch(c, step, sql, upper, cursor, batchSize, false);
                lockFailures = 0;
            } catch (SQLException e) {
                if (SqlStates.connectionLost(e)) {
                    throw e;
                }
                if (SqlStates.dataException(e)) {
                    log.debug(
                            "{} - {}: batch after {} holds a value the fast path cannot map ({}); mapping row by row",
                            planId,
                            stepId,
                            Arrays.toString(cursor),
                            e.getMessage());
                    try {
                        b = batch(c, step, sql, upper, cursor, batchSize, true);
                    } catch (SQLException e2) {
                        throw failure(step, sql, cursor, batchSize, e2);
                    }
                    rowwise++;
                } else if (SqlStates.lockFailure(e) && ++lockFailures <= 10) {
                    int smaller = Math.max(options.minBatchSize(), batchSize / 2);
                    log.warn(
                            "{} - {}: batch after {} could not lock its rows within {} ms (attempt {}); retrying with {} rows",
                            planId,
                            stepId,
                            Arrays.toString(cursor),
                            options.batchLockTimeout().toMillis(),
                            lockFailures,
                            smaller);
                    batchSize = smaller;
                    DdlRunner.sleep(Math.min(
                            options.retryMaxDelay().toMillis(),
                            options.retryInitialDelay().toMillis() << Math.min(lockFailures, 10)));
                    continue;
                } else if (SqlStates.timeout(e) && batchSize > options.minBatchSize()) {
                    int smaller = Math.max(options.minBatchSize(), batchSize / 2);
                    log.warn(
                            "{} - {}: batch of {} rows after {} hit statement_timeout {}; retrying with {} rows",
                            planId,
                            stepId,
                            batchSize,
                            Arrays.toString(cursor),
                            options.batchStatementTimeout(),
                            smaller);
                    batchSize = smaller;
                    continue;
                } else {
                    throw failure(step, sql, cursor, batchSize, e);
                }
            }
            long elapsed = System.nanoTime() - t0;
            rows += b.rows();
            rowsDone += b.rows();
            batches++;
            cursor = b.hi();
            if (b.rows() == 0 && !b.last() && sql.nextKey() != null) {
                cursor = skipGap(c, sql, cursor, upper);
            }
            // Size toward the target duration: grow at most 1.5x per batch, shrink in proportion.
            double factor = Math.min(1.5, Math.max(0.1, (double) target / Math.max(1, elapsed)));
            batchSize = (int)
                    Math.max(options.minBatchSize(), Math.min(options.maxBatchSize(), Math.round(batchSize * factor)));
            double seconds = (System.nanoTime() - runStart) / 1e9;
            double rate = seconds > 0 ? rows / seconds : 0;
            Duration eta = estimate > 0 && rate > 0
                    ? Duration.ofMillis((long) (Math.max(0, estimate - rowsDone) / rate * 1000))
                    : null;
            BackfillProgress progress = new BackfillProgress(
                    planId,
                    stepId,
                    sql.table().quoted(),
                    rowsDone,
                    estimate,
                    batches,
                    batchSize,
                    rate,
                    b.last() ? Duration.ZERO : eta);
            listener.onProgress(progress);
            log.trace(
                    "{} - {}: batch {} up to {}: {} rows in {} ms",
                    planId,
                    stepId,
                    batches,
                    Arrays.toString(cursor),
                    b.rows(),
                    elapsed / 1_000_000);
            if (System.nanoTime() - lastLog >= options.progressLogInterval().toNanos() && !b.last()) {
                lastLog = System.nanoTime();
                log.info(
                        "{} - {}: {} of ~{} rows, {} rows/s, batch size {}, ETA {}",
                        planId,
                        stepId,
                        rowsDone,
                        estimate,
                        Math.round(rate),
                        batchSize,
                        eta == null ? "unknown" : eta.toSeconds() + " s");
            }
            if (b.last()) {
                break;
            }
            if (!options.batchPause().isZero()) {
                DdlRunner.sleep(options.batchPause().toMillis());
            }
        }
        return new Result(rows, batches, rowwise);
    }

    @SuppressWarnings("ArrayRecordComponent") // internal, never compared
    private record Batch(String[] hi, long rows, boolean last) {}

    private Batch batch(
            Connection c,
            Backfill step,
            BackfillSql sql,
            String[] upper,
            String @Nullable [] lo,
            int size,
            boolean rowwise)
            throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            // one round trip for the three transaction-local settings
            s.execute("SELECT set_config('lock_timeout', '"
                    + options.batchLockTimeout().toMillis() + "ms', true),"
                    + " set_config('statement_timeout', '"
                    + options.batchStatementTimeout().toMillis() + "ms', true),"
                    + " set_config('" + Names.SYNC_SETTING + "', '" + (rowwise ? "forward" : "off") + "', true)");
            String[] end;
            boolean last;
            if (sql.nextKey() != null && lo != null) {
                long top = Long.parseLong(upper[0]);
                long from = Long.parseLong(lo[0]);
                long to = from + size >= top || from + size < from ? top : from + size;
                end = new String[] {Long.toString(to)};
                last = to == top;
            } else {
                String[] hi = bound(c, lo == null ? sql.boundFirst() : sql.boundNext(), lo, upper, size - 1);
                last = hi == null;
                end = hi == null ? upper : hi;
            }
            long rows;
            if (rowwise) {
                rows = update(c, lo == null ? sql.rowwiseFirst() : sql.rowwiseNext(), lo, end);
            } else {
                rows = update(c, lo == null ? sql.updateFirst() : sql.updateNext(), lo, end);
                // after the update, only rows it left unfilled are tested against the plan's condition
                String record = lo == null ? sql.recordFirst() : sql.recordNext();
                if (record != null) {
                    update(c, record, lo, end);
                }
            }
            store.saveCursor(c, planId, step.id().value(), end, rows, size, last);
            c.commit();
            return new Batch(end, rows, last);
        } catch (SQLException | RuntimeException e) {
            DdlRunner.rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** After an empty batch over an integer key: continue just below the next existing key, not span by span. */
    private static String[] skipGap(Connection c, BackfillSql sql, String[] cursor, String[] upper)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(requireNonNull(sql.nextKey(), "nextKey"))) {
            ps.setString(1, cursor[0]);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return cursor;
                }
                long next = Long.parseLong(rs.getString(1)) - 1;
                return next > Long.parseLong(cursor[0]) && next < Long.parseLong(upper[0])
                        ? new String[] {Long.toString(next)}
                        : cursor;
            }
        }
    }

    static String @Nullable [] maxKey(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? row(rs) : null;
        }
    }

    /** Binds lower (if any), upper and offset; returns the key {@code offset} rows into the range, or null. */
    static String @Nullable [] bound(Connection c, String sql, String @Nullable [] lo, String[] upper, int offset)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bind(ps, 1, lo, upper);
            ps.setInt(i, offset);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    static long update(Connection c, String sql, String @Nullable [] lo, String[] hi) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, 1, lo, hi);
            return ps.executeLargeUpdate();
        }
    }

    static int bind(PreparedStatement ps, int start, String @Nullable [] lo, String[] hi) throws SQLException {
        int i = start;
        if (lo != null) {
            for (String v : lo) {
                ps.setString(i++, v);
            }
        }
        for (String v : hi) {
            ps.setString(i++, v);
        }
        return i;
    }

    private static String[] row(ResultSet rs) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = rs.getString(i + 1);
        }
        return out;
    }

    private static long estimate(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return -1;
            }
            long tuples = rs.getLong(1);
            // reltuples is 0 or -1 before the first ANALYZE; the estimate is then unknown
            return tuples > 0 ? tuples : -1;
        }
    }

    private void waitUntilHealthy(Connection c) throws SQLException {
        if (options.healthCheck().isEmpty()) {
            return;
        }
        String query = options.healthCheck().get().sql();
        long since = System.nanoTime();
        long lastWarn = 0;
        while (true) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(query)) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
            if (System.nanoTime() - lastWarn > Duration.ofMinutes(1).toNanos()) {
                lastWarn = System.nanoTime();
                log.warn(
                        "{} - backfill paused: the health check returned false for {} s: {}",
                        planId,
                        (System.nanoTime() - since) / 1_000_000_000,
                        query);
            }
            DdlRunner.sleep(options.healthCheckWait().toMillis());
        }
    }

    private StepExecutionException failure(
            Backfill step, BackfillSql sql, String @Nullable [] after, int size, SQLException e) {
        String message = "Backfill step '" + step.id() + "' of plan '" + planId + "' failed on the batch of up to "
                + size + " rows after key " + (after == null ? "(start)" : Arrays.toString(after)) + " of "
                + sql.table().quoted() + ": SQLState " + SqlStates.of(e) + ": " + SqlStates.message(e)
                + ". Earlier batches are saved;"
                + " fix the cause and run backfill again to resume from this batch."
                + (SqlStates.timeout(e)
                        ? " Lower PostgresOptions batch sizes (now min " + options.minBatchSize()
                                + ") or raise the batch statement timeout (now " + options.batchStatementTimeout()
                                + ")."
                        : "")
                + (SqlStates.lockFailure(e)
                        ? " Application transactions kept the rows locked longer than the batch lock timeout (now "
                                + options.batchLockTimeout() + ")."
                        : "");
        return new StepExecutionException(
                ErrorCode.BACKFILL_FAILED, planId, step.id().value(), "backfill", SqlStates.of(e), message, e);
    }
}
