package dev.tandem.postgres.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.ErrorCode;
import dev.tandem.StepExecutionException;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.StepId;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.postgres.BackfillListener;
import dev.tandem.postgres.BackfillProgress;
import dev.tandem.postgres.PostgresOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    /** How long one batch waits for a row lock; see {@link #rowLockWait}. */
    private Duration lockWait;

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
        this.lockWait = options.batchLockTimeout();
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
        DualWrite rule = step.rule();
        return run(c, new Target(step.id(), rule.newColumns(), rule.unmappedPolicy()), sql, listener);
    }

    /**
     * What a backfill writes, as far as the batch loop needs to know.
     *
     * @param id the step, which keys the cursor
     * @param columns the columns its statements write (an application trigger on one of them would fire)
     * @param policy what a value that cannot be mapped does
     */
    public record Target(StepId id, List<Identifier> columns, UnmappedPolicy policy) {
        /**
         * Copies the list.
         *
         * @param id step
         * @param columns written columns
         * @param policy unmapped-value policy
         */
        public Target {
            columns = List.copyOf(columns);
        }
    }

    /**
     * Runs (or resumes) a backfill given by its statements.
     *
     * @param c the connection, autocommit
     * @param step what the backfill writes
     * @param sql its statements
     * @param listener progress receiver
     * @return what this run did
     * @throws SQLException when the connection fails
     */
    public Result run(Connection c, Target step, BackfillSql sql, BackfillListener listener) throws SQLException {
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
        boolean replica = skipTriggers(c, step, sql);
        lockWait = rowLockWait(c);
        String[] upper = row.upperBound();
        String @Nullable [] cursor = row.cursor();
        long rowsDone = row.rowsDone();
        long estimate = estimate(c, sql.estimate());
        BatchSizer sizer = new BatchSizer(
                options.minBatchSize(), options.maxBatchSize(), options.targetBatchDuration(), options.maxLockHold());
        int batchSize = sizer.start(row.batchSize(), options.initialBatchSize());
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
        long split = 0;
        int lockFailures = 0;
        // smallest batches in a row that still held their rows longer than maxLockHold; warned about once per run
        int overBoundAtMin = 0;
        boolean warnedBound = false;
        while (true) {
            waitUntilHealthy(c);
            long t0 = System.nanoTime();
            String[] end;
            boolean last;
            if (sql.nextKey() != null && cursor != null) {
                long top = Long.parseLong(upper[0]);
                long from = Long.parseLong(cursor[0]);
                long to = from + batchSize >= top || from + batchSize < from ? top : from + batchSize;
                end = new String[] {Long.toString(to)};
                last = to == top;
            } else {
                String[] hi =
                        bound(c, cursor == null ? sql.boundFirst() : sql.boundNext(), cursor, upper, batchSize - 1);
                last = hi == null;
                end = hi == null ? upper : hi;
            }
            long filled;
            long held;
            try {
                long b0 = System.nanoTime();
                filled = batch(c, step, sql, cursor, end, batchSize, last, replica);
                held = System.nanoTime() - b0;
                lockFailures = 0;
            } catch (SQLException e) {
                if (SqlStates.connectionLost(e)) {
                    throw e;
                }
                if (SqlStates.dataException(e)) {
                    log.debug(
                            "{} - {}: batch after {} holds a value the plan cannot map ({}); splitting it",
                            planId,
                            stepId,
                            Arrays.toString(cursor),
                            SqlStates.message(e));
                    try {
                        filled = split(c, step, sql, cursor, end, batchSize, last, replica, e);
                    } catch (SQLException e2) {
                        if (SqlStates.connectionLost(e2)) {
                            throw e2;
                        }
                        throw failure(c, step, sql, cursor, batchSize, e2);
                    }
                    split++;
                    // rows found one by one say nothing about how long a regular batch holds its locks
                    held = 0;
                } else if (SqlStates.lockFailure(e) && ++lockFailures <= 10) {
                    int smaller = sizer.afterLockFailure(batchSize);
                    if (SqlStates.DEADLOCK.equals(SqlStates.of(e))) {
                        log.warn(
                                "{} - {}: batch after {} was chosen as the victim of a deadlock with another"
                                        + " transaction (attempt {}); retrying with {} rows",
                                planId,
                                stepId,
                                Arrays.toString(cursor),
                                lockFailures,
                                smaller);
                    } else {
                        log.warn(
                                "{} - {}: batch after {} could not lock its rows within {} ms (attempt {}); retrying"
                                        + " with {} rows. Holders: {}",
                                planId,
                                stepId,
                                Arrays.toString(cursor),
                                lockWait.toMillis(),
                                lockFailures,
                                smaller,
                                rowLockHolders(c, sql));
                    }
                    batchSize = smaller;
                    DdlRunner.sleep(Math.min(
                            options.retryMaxDelay().toMillis(),
                            options.retryInitialDelay().toMillis() << Math.min(lockFailures, 10)));
                    continue;
                } else if (SqlStates.statementTimeout(e) && sizer.afterStatementTimeout(batchSize) < batchSize) {
                    int smaller = sizer.afterStatementTimeout(batchSize);
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
                    throw failure(c, step, sql, cursor, batchSize, e);
                }
            }
            long elapsed = System.nanoTime() - t0;
            rows += filled;
            rowsDone += filled;
            batches++;
            cursor = end;
            if (filled == 0 && !last && sql.nextKey() != null) {
                cursor = skipGap(c, sql, cursor, upper);
            }
            if (held > 0) {
                overBoundAtMin = sizer.boundUnreachable(batchSize, held) ? overBoundAtMin + 1 : 0;
                if (overBoundAtMin >= 3 && !warnedBound) {
                    warnedBound = true;
                    log.warn(
                            "{} - {}: batches of the smallest size ({} rows) keep their rows locked for {} ms, longer"
                                    + " than maxLockHold {} ms; application writes to these rows wait that long. Lower"
                                    + " PostgresOptions.withBatchSizes' min, or raise withMaxLockHold",
                            planId,
                            stepId,
                            batchSize,
                            held / 1_000_000,
                            options.maxLockHold().toMillis());
                }
                batchSize = sizer.next(batchSize, held);
            }
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
                    last ? Duration.ZERO : eta,
                    filled,
                    Duration.ofNanos(elapsed));
            options.backfillListener().onProgress(progress);
            listener.onProgress(progress);
            log.trace(
                    "{} - {}: batch {} up to {}: {} rows in {} ms",
                    planId,
                    stepId,
                    batches,
                    Arrays.toString(cursor),
                    filled,
                    elapsed / 1_000_000);
            if (System.nanoTime() - lastLog >= options.progressLogInterval().toNanos() && !last) {
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
            if (last) {
                break;
            }
            if (!options.batchPause().isZero()) {
                DdlRunner.sleep(options.batchPause().toMillis());
            }
        }
        return new Result(rows, batches, split);
    }

    /**
     * Whether the batches run with {@code session_replication_role = replica}, so the table's own triggers do not fire
     * for them. Refuses, before the first batch, when triggers would fire and the migrator cannot skip them, unless the
     * options allow firing them.
     */
    private boolean skipTriggers(Connection c, Target step, BackfillSql sql) throws SQLException {
        List<String> names = new ArrayList<>();
        List<String> always = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.appTriggers())) {
            ps.setArray(
                    1,
                    c.createArrayOf(
                            "text", step.columns().stream().map(i -> i.value()).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    if ("A".equals(rs.getString(2))) {
                        always.add(rs.getString(1));
                    }
                }
            }
        }
        if (names.isEmpty()) {
            return false;
        }
        if (options.backfillFiresTriggers()) {
            log.info(
                    "{} - {}: the backfill fires the table's triggers {} (PostgresOptions.backfillFiresTriggers)",
                    planId,
                    step.id(),
                    names);
            return false;
        }
        boolean may = maySetReplicationRole(c);
        if (may && always.isEmpty()) {
            log.debug("{} - {}: batches skip the table's triggers {}", planId, step.id(), names);
            return true;
        }
        String why = !always.isEmpty()
                ? "the trigger(s) " + always + " are enabled ALWAYS, so they fire even with session_replication_role"
                        + " = replica"
                : "Tandem skips them with session_replication_role = replica, which this role may not set (it needs a"
                        + " superuser, or on PostgreSQL 15 and later GRANT SET ON PARAMETER session_replication_role"
                        + " TO <role>)";
        throw new StepExecutionException(
                ErrorCode.BACKFILL_FAILED,
                planId,
                step.id().value(),
                "backfill",
                null,
                "Backfill step '" + step.id() + "' of plan '" + planId + "' did not start: its UPDATE of "
                        + sql.table().quoted() + " would fire the table's trigger(s) " + names
                        + ", which would treat every existing row as changed by the application (an updated_at"
                        + " column, an audit log). " + why + ". Nothing was changed. Grant that, or let the backfill"
                        + " fire them with PostgresOptions.withBackfillFiringTriggers(true).",
                null);
    }

    private static boolean maySetReplicationRole(Connection c) throws SQLException {
        String sql = Catalog.serverVersion(c) >= 150000
                ? "SELECT rolsuper OR pg_catalog.has_parameter_privilege('session_replication_role', 'SET')"
                        + " FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER"
                : "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER";
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * How long a batch waits for a row an application transaction holds: the batch lock timeout, but at most a quarter
     * of the server's {@code deadlock_timeout}. A batch holds the rows it has already updated while it waits; if the
     * application then waits for one of those, the two deadlock, and PostgreSQL aborts whichever session's deadlock
     * check runs first, which may be the application's. Giving up well before {@code deadlock_timeout} makes the batch
     * the one that yields (it is retried), unless the application had already waited most of {@code deadlock_timeout}
     * for a batch that runs that long.
     */
    private Duration rowLockWait(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT setting::bigint FROM pg_catalog.pg_settings WHERE name = 'deadlock_timeout'")) {
            Duration wait = options.batchLockTimeout();
            if (rs.next()) {
                Duration quarter = Duration.ofMillis(Math.max(1, rs.getLong(1) / 4));
                if (quarter.compareTo(wait) < 0) {
                    wait = quarter;
                }
            }
            return wait;
        }
    }

    /** The batch transaction's settings, in one round trip. */
    private void settings(Connection c, boolean replica) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(settingsSql(replica));
        }
    }

    /** The transaction-local settings of a batch, as one {@code SELECT}. */
    private String settingsSql(boolean replica) {
        return "SELECT pg_catalog.set_config('lock_timeout', '"
                + lockWait.toMillis() + "ms', true),"
                + " pg_catalog.set_config('statement_timeout', '"
                + options.batchStatementTimeout().toMillis() + "ms', true),"
                + " pg_catalog.set_config('" + Names.SYNC_SETTING + "', 'off', true)"
                // a lost batch is lost with its cursor, so the next run redoes it: no need to wait for the flush
                + (options.backfillSynchronousCommit()
                        ? ""
                        : ", pg_catalog.set_config('synchronous_commit', 'off', true)")
                + (replica ? ", pg_catalog.set_config('session_replication_role', 'replica', true)" : "");
    }

    /** One batch, its own transaction, with its cursor: fills the range (lo, hi]. */
    private long batch(
            Connection c,
            Target step,
            BackfillSql sql,
            String @Nullable [] lo,
            String[] hi,
            int size,
            boolean finishes,
            boolean replica)
            throws SQLException {
        String update = lo == null ? sql.updateFirst() : sql.updateNext();
        // after the update, only rows it left unfilled are tested against the plan's condition
        String record = lo == null ? sql.recordFirst() : sql.recordNext();
        // pgjdbc sends the statements of one prepared statement in one round trip. The settings stay a statement of
        // their own, before the UPDATE, so that its statement_timeout applies to the UPDATE. (Folding the cursor save
        // into the UPDATE as a data-modifying CTE would save one more round trip, but made 2,000-row batches 7–19%
        // slower in a server-side loop.)
        String batch = settingsSql(replica) + ";\n" + update + (record == null ? "" : ";\n" + record);
        return Transactions.run(c, () -> {
            long rows;
            try (PreparedStatement ps = c.prepareStatement(batch)) {
                int i = bind(ps, 1, lo, hi);
                if (record != null) {
                    bind(ps, i, lo, hi);
                }
                ps.execute();
                // the first result is the settings' row, the second the UPDATE's row count
                if (ps.getMoreResults() || (rows = ps.getLargeUpdateCount()) < 0) {
                    throw new SQLException("the batch's UPDATE returned no row count", "XX000");
                }
            }
            store.saveCursor(c, planId, step.id().value(), hi, rows, size, finishes);
            return rows;
        });
    }

    /**
     * A batch that failed on a value: split the range in halves, each its own transaction and cursor, down to the rows
     * that fail; each of those is recorded as unmapped with the column and the reason, and left unfilled.
     */
    private long split(
            Connection c,
            Target step,
            BackfillSql sql,
            String @Nullable [] lo,
            String[] hi,
            int size,
            boolean finishes,
            boolean replica,
            SQLException cause)
            throws SQLException {
        long n = count(c, lo == null ? sql.countFirst() : sql.countNext(), lo, hi);
        if (n <= 1) {
            if (n == 1) {
                String[] key = requireNonNull(bound(c, lo == null ? sql.boundFirst() : sql.boundNext(), lo, hi, 0));
                if (step.policy() == UnmappedPolicy.REJECT) {
                    throw rejected(c, step, sql, key, replica, cause);
                }
                recordFailure(c, step, sql, key, replica, cause);
            }
            return Transactions.run(c, () -> {
                store.saveCursor(c, planId, step.id().value(), hi, 0, size, finishes);
                return 0L;
            });
        }
        String[] mid = requireNonNull(
                bound(c, lo == null ? sql.boundFirst() : sql.boundNext(), lo, hi, (int) Math.min(n / 2, size) - 1));
        long rows = 0;
        for (int half = 0; half < 2; half++) {
            String @Nullable [] from = half == 0 ? lo : mid;
            String[] to = half == 0 ? mid : hi;
            boolean end = half == 1 && finishes;
            try {
                rows += batch(c, step, sql, from, to, size, end, replica);
            } catch (SQLException e) {
                if (!SqlStates.dataException(e)) {
                    throw e;
                }
                rows += split(c, step, sql, from, to, size, end, replica, e);
            }
        }
        return rows;
    }

    /** Records one row the backfill cannot map, naming the column whose mapping fails and PostgreSQL's reason. */
    private void recordFailure(
            Connection c, Target step, BackfillSql sql, String[] key, boolean replica, SQLException cause)
            throws SQLException {
        RowDiagnosis.Failure f = Transactions.run(c, () -> {
            settings(c, replica);
            RowDiagnosis.Failure diagnosed = RowDiagnosis.diagnose(c, sql.probes(), key, true, cause);
            RowDiagnosis.record(c, sql.recordRow(), key, diagnosed);
            return diagnosed;
        });
        log.debug("{} - {}: row {} cannot be mapped: {}", planId, step.id(), Arrays.toString(key), f.reason());
    }

    /**
     * Under {@link dev.tandem.plan.UnmappedPolicy#REJECT} no value the plan cannot map enters the new shape: the
     * backfill stops at the first existing row that has one, names it, and resumes there once it is fixed.
     */
    private StepExecutionException rejected(
            Connection c, Target step, BackfillSql sql, String[] key, boolean replica, SQLException cause)
            throws SQLException {
        // diagnosing assigns the row's columns in savepoints; nothing of it is kept
        c.setAutoCommit(false);
        RowDiagnosis.Failure f;
        try {
            settings(c, replica);
            f = RowDiagnosis.diagnose(c, sql.probes(), key, true, cause);
        } finally {
            DdlRunner.rollbackQuietly(c);
            DdlRunner.autocommitQuietly(c);
        }
        return new StepExecutionException(
                ErrorCode.BACKFILL_FAILED,
                planId,
                step.id().value(),
                "backfill",
                f.sqlstate(),
                "Backfill step '" + step.id() + "' of plan '" + planId + "' stopped at row (" + String.join(", ", key)
                        + ") of " + sql.table().quoted() + ", which the plan cannot map: " + f.reason()
                        + ". The rule's unmapped-value policy is REJECT, so no such value enters the new columns. Fix"
                        + " the row (through the old version, or with SQL) and run backfill again: it resumes at this"
                        + " row; earlier batches are saved. Or use UnmappedPolicy.RECORD to record such rows and go on.",
                cause);
    }

    static long count(Connection c, String sql, String @Nullable [] lo, String[] hi) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, 1, lo, hi);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The sessions whose open transactions write the table: the likely holders of the rows a batch waits for. */
    private String rowLockHolders(Connection c, BackfillSql sql) {
        try {
            List<dev.tandem.LockNotAcquiredException.BlockingSession> holders =
                    Blockers.on(c, sql.table(), dev.tandem.postgres.LockMode.EXCLUSIVE);
            return holders.isEmpty()
                    ? "none found any more"
                    : holders.stream()
                            .map(dev.tandem.LockNotAcquiredException.BlockingSession::describe)
                            .collect(java.util.stream.Collectors.joining("; "));
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
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
            if (healthy(c, query)) {
                return;
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

    /** The user's health query resolves names as raw SQL does: unqualified names in the default schema. */
    private boolean healthy(Connection c, String query) throws SQLException {
        return Transactions.run(c, () -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_catalog.set_config('search_path', "
                        + Sql.literal(SessionSettings.userSearchPath(options.defaultSchema())) + ", true)");
                try (ResultSet rs = s.executeQuery(query)) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    private StepExecutionException failure(
            Connection c, Target step, BackfillSql sql, String @Nullable [] after, int size, SQLException e) {
        String message = "Backfill step '" + step.id() + "' of plan '" + planId + "' failed on the batch of up to "
                + size + " rows after key " + (after == null ? "(start)" : Arrays.toString(after)) + " of "
                + sql.table().quoted() + ": SQLState " + SqlStates.of(e) + ": " + SqlStates.message(e)
                + ". Earlier batches are saved;"
                + " fix the cause and run backfill again to resume from this batch."
                + (SqlStates.statementTimeout(e)
                        ? " Lower PostgresOptions batch sizes (now min " + options.minBatchSize()
                                + ") or raise the batch statement timeout (now " + options.batchStatementTimeout()
                                + ")."
                        : "")
                + (SqlStates.cancelled(e)
                        ? " Another session cancelled the batch (pg_cancel_backend); nothing Tandem can tune."
                        : "")
                + (SqlStates.DEADLOCK.equals(SqlStates.of(e))
                        ? " The batch kept losing deadlocks against application transactions that lock the same"
                                + " rows in another order."
                        : "")
                + (SqlStates.LOCK_NOT_AVAILABLE.equals(SqlStates.of(e))
                        ? " Application transactions kept the rows locked longer than the batch's lock wait ("
                                + lockWait.toMillis() + " ms: the batch lock timeout, now "
                                + options.batchLockTimeout() + ", at most a quarter of the server's deadlock_timeout)"
                                + " in 10 attempts in a row. Sessions writing the table: "
                                + rowLockHolders(c, sql)
                                + "."
                        : "");
        return new StepExecutionException(
                ErrorCode.BACKFILL_FAILED, planId, step.id().value(), "backfill", SqlStates.of(e), message, e);
    }
}
