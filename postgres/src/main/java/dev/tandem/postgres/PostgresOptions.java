package dev.tandem.postgres;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.FormatMethod;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.SqlStatement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link PostgresMigrator}. Start from {@link #defaults()} and change what you need with the
 * {@code with...} methods; each returns a new value and leaves the receiver unchanged. Instances are immutable and
 * thread-safe.
 *
 * <p>None of these settings is part of a plan's checksum: tuning them between runs (a smaller batch, a longer retry
 * deadline) never blocks a started plan.
 */
public final class PostgresOptions {

    private final Identifier defaultSchema;
    private final Identifier stateSchema;
    private final Duration lockTimeout;
    private final Duration statementTimeout;
    private final Duration lockRetryDeadline;
    private final Duration retryInitialDelay;
    private final Duration retryMaxDelay;
    private final Duration runnerLockWait;
    private final int initialBatchSize;
    private final int minBatchSize;
    private final int maxBatchSize;
    private final Duration targetBatchDuration;
    private final Duration maxLockHold;
    private final Duration batchPause;
    private final Duration batchStatementTimeout;
    private final Duration batchLockTimeout;
    private final @Nullable SqlStatement healthCheck;
    private final Duration healthCheckWait;
    private final Duration progressLogInterval;
    private final int verifyBatchSize;
    private final String applicationName;
    private final ExecutionListener listener;
    private final boolean backfillFiresTriggers;
    private final OldVersionGuard oldVersionGuard;
    private final BackfillListener backfillListener;
    private final boolean backfillSynchronousCommit;

    private PostgresOptions(
            Identifier defaultSchema,
            Identifier stateSchema,
            Duration lockTimeout,
            Duration statementTimeout,
            Duration lockRetryDeadline,
            Duration retryInitialDelay,
            Duration retryMaxDelay,
            Duration runnerLockWait,
            int initialBatchSize,
            int minBatchSize,
            int maxBatchSize,
            Duration targetBatchDuration,
            Duration maxLockHold,
            Duration batchPause,
            Duration batchStatementTimeout,
            Duration batchLockTimeout,
            @Nullable SqlStatement healthCheck,
            Duration healthCheckWait,
            Duration progressLogInterval,
            int verifyBatchSize,
            String applicationName,
            ExecutionListener listener,
            boolean backfillFiresTriggers,
            OldVersionGuard oldVersionGuard,
            BackfillListener backfillListener,
            boolean backfillSynchronousCommit) {
        this.backfillSynchronousCommit = backfillSynchronousCommit;
        this.backfillFiresTriggers = backfillFiresTriggers;
        this.oldVersionGuard = oldVersionGuard;
        this.backfillListener = backfillListener;
        this.defaultSchema = defaultSchema;
        this.stateSchema = stateSchema;
        this.lockTimeout = lockTimeout;
        this.statementTimeout = statementTimeout;
        this.lockRetryDeadline = lockRetryDeadline;
        this.retryInitialDelay = retryInitialDelay;
        this.retryMaxDelay = retryMaxDelay;
        this.runnerLockWait = runnerLockWait;
        this.initialBatchSize = initialBatchSize;
        this.minBatchSize = minBatchSize;
        this.maxBatchSize = maxBatchSize;
        this.targetBatchDuration = targetBatchDuration;
        this.maxLockHold = maxLockHold;
        this.batchPause = batchPause;
        this.batchStatementTimeout = batchStatementTimeout;
        this.batchLockTimeout = batchLockTimeout;
        this.healthCheck = healthCheck;
        this.healthCheckWait = healthCheckWait;
        this.progressLogInterval = progressLogInterval;
        this.verifyBatchSize = verifyBatchSize;
        this.applicationName = applicationName;
        this.listener = listener;
    }

    private static final PostgresOptions DEFAULTS = new PostgresOptions(
            Identifier.of("public"),
            Identifier.of("tandem"),
            Duration.ofMillis(500),
            Duration.ofSeconds(30),
            Duration.ofMinutes(2),
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            Duration.ZERO,
            1_000,
            100,
            100_000,
            Duration.ofMillis(200),
            Duration.ofMillis(50),
            Duration.ZERO,
            Duration.ofSeconds(60),
            Duration.ofSeconds(2),
            null,
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            10_000,
            "tandem",
            ExecutionListener.NONE,
            false,
            OldVersionGuard.NONE,
            BackfillListener.NONE,
            false);

    /**
     * {@return the defaults: schema {@code public}, state schema {@code tandem}, {@code lock_timeout} 500 ms per attempt
     * retried up to 2 minutes, backfill batches starting at 1,000 rows and sized so that none keeps its rows locked longer than 50 ms}
     */
    public static PostgresOptions defaults() {
        return DEFAULTS;
    }

    private PostgresOptions copy(Mutator m) {
        Builder b = new Builder(this);
        m.apply(b);
        return b.build();
    }

    @FunctionalInterface
    private interface Mutator {
        void apply(Builder b);
    }

    /** Mutable scratch space for the withers; never escapes this class. */
    private static final class Builder {
        Identifier defaultSchema;
        Identifier stateSchema;
        Duration lockTimeout;
        Duration statementTimeout;
        Duration lockRetryDeadline;
        Duration retryInitialDelay;
        Duration retryMaxDelay;
        Duration runnerLockWait;
        int initialBatchSize;
        int minBatchSize;
        int maxBatchSize;
        Duration targetBatchDuration;
        Duration maxLockHold;
        Duration batchPause;
        Duration batchStatementTimeout;
        Duration batchLockTimeout;

        @Nullable
        SqlStatement healthCheck;

        Duration healthCheckWait;
        Duration progressLogInterval;
        int verifyBatchSize;
        String applicationName;
        ExecutionListener listener;
        boolean backfillFiresTriggers;
        OldVersionGuard oldVersionGuard;
        BackfillListener backfillListener;
        boolean backfillSynchronousCommit;

        Builder(PostgresOptions o) {
            backfillSynchronousCommit = o.backfillSynchronousCommit;
            backfillFiresTriggers = o.backfillFiresTriggers;
            oldVersionGuard = o.oldVersionGuard;
            backfillListener = o.backfillListener;
            defaultSchema = o.defaultSchema;
            stateSchema = o.stateSchema;
            lockTimeout = o.lockTimeout;
            statementTimeout = o.statementTimeout;
            lockRetryDeadline = o.lockRetryDeadline;
            retryInitialDelay = o.retryInitialDelay;
            retryMaxDelay = o.retryMaxDelay;
            runnerLockWait = o.runnerLockWait;
            initialBatchSize = o.initialBatchSize;
            minBatchSize = o.minBatchSize;
            maxBatchSize = o.maxBatchSize;
            targetBatchDuration = o.targetBatchDuration;
            maxLockHold = o.maxLockHold;
            batchPause = o.batchPause;
            batchStatementTimeout = o.batchStatementTimeout;
            batchLockTimeout = o.batchLockTimeout;
            healthCheck = o.healthCheck;
            healthCheckWait = o.healthCheckWait;
            progressLogInterval = o.progressLogInterval;
            verifyBatchSize = o.verifyBatchSize;
            applicationName = o.applicationName;
            listener = o.listener;
        }

        PostgresOptions build() {
            argument(
                    minBatchSize <= initialBatchSize && initialBatchSize <= maxBatchSize,
                    "Batch sizes must satisfy minBatchSize (%s) <= initialBatchSize (%s) <= maxBatchSize (%s)",
                    minBatchSize,
                    initialBatchSize,
                    maxBatchSize);
            return new PostgresOptions(
                    defaultSchema,
                    stateSchema,
                    lockTimeout,
                    statementTimeout,
                    lockRetryDeadline,
                    retryInitialDelay,
                    retryMaxDelay,
                    runnerLockWait,
                    initialBatchSize,
                    minBatchSize,
                    maxBatchSize,
                    targetBatchDuration,
                    maxLockHold,
                    batchPause,
                    batchStatementTimeout,
                    batchLockTimeout,
                    healthCheck,
                    healthCheckWait,
                    progressLogInterval,
                    verifyBatchSize,
                    applicationName,
                    listener,
                    backfillFiresTriggers,
                    oldVersionGuard,
                    backfillListener,
                    backfillSynchronousCommit);
        }
    }

    @FormatMethod
    private static void argument(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
        }
    }

    private static Duration positive(Duration d, String name, Duration min) {
        requireNonNull(d, name);
        argument(d.compareTo(min) >= 0, "%s must be at least %s but was %s", name, min, d);
        return d;
    }

    private static Duration nonNegative(Duration d, String name) {
        requireNonNull(d, name);
        argument(!d.isNegative(), "%s must not be negative but was %s", name, d);
        return d;
    }

    /**
     * {@return a copy whose unqualified table names resolve in {@code schema} (default {@code public}); the receiver is
     * unchanged}
     *
     * @param schema the schema, case-sensitive
     */
    public PostgresOptions withDefaultSchema(String schema) {
        Identifier id = Identifier.of(schema);
        return copy(b -> b.defaultSchema = id);
    }

    /**
     * {@return a copy that keeps Tandem's state (plans, events, unmapped rows, sync functions) in {@code schema}
     * (default {@code tandem}); the receiver is unchanged}
     *
     * @param schema the schema, case-sensitive
     */
    public PostgresOptions withStateSchema(String schema) {
        Identifier id = Identifier.of(schema);
        return copy(b -> b.stateSchema = id);
    }

    /**
     * {@return a copy with another {@code lock_timeout} per DDL attempt (default 500 ms, at least 10 ms): the longest
     * any other query waits behind Tandem's lock request; the receiver is unchanged}
     *
     * @param timeout the timeout
     */
    public PostgresOptions withLockTimeout(Duration timeout) {
        Duration d = positive(timeout, "lockTimeout", Duration.ofMillis(10));
        return copy(b -> b.lockTimeout = d);
    }

    /**
     * {@return a copy with another {@code statement_timeout} for DDL statements (default 30 s); the receiver is
     * unchanged}
     *
     * @param timeout the timeout, at least 100 ms
     */
    public PostgresOptions withStatementTimeout(Duration timeout) {
        Duration d = positive(timeout, "statementTimeout", Duration.ofMillis(100));
        return copy(b -> b.statementTimeout = d);
    }

    /**
     * {@return a copy with another deadline for retrying one DDL statement that keeps hitting its lock timeout (default
     * 2 min); the receiver is unchanged}
     *
     * @param deadline total time spent on one statement's attempts, at least the lock timeout
     */
    public PostgresOptions withLockRetryDeadline(Duration deadline) {
        Duration d = nonNegative(deadline, "lockRetryDeadline");
        return copy(b -> b.lockRetryDeadline = d);
    }

    /**
     * {@return a copy with other retry delays: the first wait after a lock timeout and the cap of the exponential,
     * jittered backoff (defaults 100 ms and 5 s); the receiver is unchanged}
     *
     * @param initial the first delay
     * @param max the largest delay
     */
    public PostgresOptions withRetryDelays(Duration initial, Duration max) {
        Duration i = positive(initial, "retryInitialDelay", Duration.ofMillis(1));
        Duration m = positive(max, "retryMaxDelay", i);
        return copy(b -> {
            b.retryInitialDelay = i;
            b.retryMaxDelay = m;
        });
    }

    /**
     * {@return a copy that waits up to {@code wait} for another runner of the same plan to finish instead of failing at
     * once (default zero: fail at once); the receiver is unchanged}
     *
     * @param wait how long to wait for the plan's advisory lock
     */
    public PostgresOptions withRunnerLockWait(Duration wait) {
        Duration d = nonNegative(wait, "runnerLockWait");
        return copy(b -> b.runnerLockWait = d);
    }

    /**
     * {@return a copy with other backfill batch bounds (defaults 1,000 first, 100 min, 100,000 max); the receiver is
     * unchanged}
     *
     * @param initial rows in the first batch
     * @param min the smallest batch the size adapts down to
     * @param max the largest batch the size adapts up to
     */
    public PostgresOptions withBatchSizes(int initial, int min, int max) {
        argument(min >= 1, "minBatchSize must be >= 1 but was %s", min);
        return copy(b -> {
            b.initialBatchSize = initial;
            b.minBatchSize = min;
            b.maxBatchSize = max;
        });
    }

    /**
     * {@return a copy that sizes backfill batches toward {@code target} each (default 200 ms); the receiver is
     * unchanged}
     *
     * <p>Batches are sized toward the shorter of this and 70% of {@linkplain #withMaxLockHold(Duration) the lock-hold
     * bound}; at the defaults the bound decides. A longer target helps only together with a longer bound.
     *
     * @param target the duration to aim for, at least 1 ms
     */
    public PostgresOptions withTargetBatchDuration(Duration target) {
        Duration d = positive(target, "targetBatchDuration", Duration.ofMillis(1));
        return copy(b -> b.targetBatchDuration = d);
    }

    /**
     * {@return a copy that bounds how long a backfill batch keeps the rows it updated locked (default 50 ms); the
     * receiver is unchanged}
     *
     * <p>Every row a batch updates stays locked until the batch commits, so an application write to one of them waits
     * up to that long. Batches are sized so that their transaction takes about 70% of the bound, growing at most 1.5&times;
     * per batch and cutting at once when one took longer. Lower: application writes to rows being backfilled wait less,
     * and the backfill commits more often (more, smaller transactions, a little slower). Higher: fewer, larger batches, a
     * faster backfill on a quiet table, and longer waits for the application. The bound holds as long as a batch of
     * {@code minBatchSize} rows fits in it; when it does not, the backfill logs a warning.
     *
     * @param bound the longest a batch should hold its row locks, at least 1 ms
     */
    public PostgresOptions withMaxLockHold(Duration bound) {
        Duration d = positive(bound, "maxLockHold", Duration.ofMillis(1));
        return copy(b -> b.maxLockHold = d);
    }

    /**
     * {@return a copy whose backfill batches wait for their commit to be flushed to disk, as other transactions do
     * (default: they do not); the receiver is unchanged}
     *
     * <p>By default every batch commits with {@code synchronous_commit = off}: it does not wait for its WAL to reach
     * disk (or a synchronous standby), so it releases its row locks sooner and the backfill runs faster. A crash of the
     * server can lose the last batches committed in the fraction of a second before it, but never part of one: a
     * batch and its saved cursor are one transaction, so the next run redoes exactly what was lost. Any later
     * transaction that commits normally (an application write that read a backfilled row, Tandem's own phase changes)
     * flushes the batches before it. Turn this on when a policy requires every commit to wait, for example a
     * synchronous standby that must never be more than one transaction behind.
     *
     * @param synchronous whether batches wait for the flush
     */
    public PostgresOptions withBackfillSynchronousCommit(boolean synchronous) {
        return copy(b -> b.backfillSynchronousCommit = synchronous);
    }

    /**
     * {@return a copy that sleeps {@code pause} between backfill batches (default none), to leave room for replicas and
     * vacuum; the receiver is unchanged}
     *
     * @param pause the pause
     */
    public PostgresOptions withBatchPause(Duration pause) {
        Duration d = nonNegative(pause, "batchPause");
        return copy(b -> b.batchPause = d);
    }

    /**
     * {@return a copy with other timeouts for one backfill batch: {@code statement_timeout} (default 60 s) and
     * {@code lock_timeout} for row locks held by the application (default 2 s, and at most a quarter of the server's
     * {@code deadlock_timeout}, so that a batch gives up before an application transaction it deadlocks with could be
     * aborted instead); the receiver is unchanged}
     *
     * @param statementTimeout the statement timeout per batch statement
     * @param lockTimeout the lock timeout per batch
     */
    public PostgresOptions withBatchTimeouts(Duration statementTimeout, Duration lockTimeout) {
        Duration s = positive(statementTimeout, "batchStatementTimeout", Duration.ofMillis(100));
        Duration l = positive(lockTimeout, "batchLockTimeout", Duration.ofMillis(10));
        return copy(b -> {
            b.batchStatementTimeout = s;
            b.batchLockTimeout = l;
        });
    }

    /**
     * {@return a copy with a health gate: before each backfill batch {@code query} runs and must return one row whose
     * first column is {@code true}; otherwise the backfill waits {@code wait} and asks again. The receiver is unchanged}
     *
     * <p>For example, pause while a replica lags: {@code SELECT coalesce(max(replay_lag), '0') < interval '5 seconds'
     * FROM pg_stat_replication}.
     *
     * @param query a query returning a boolean
     * @param wait how long to wait before asking again
     */
    public PostgresOptions withHealthCheck(SqlStatement query, Duration wait) {
        requireNonNull(query, "query");
        Duration d = positive(wait, "healthCheckWait", Duration.ofMillis(1));
        return copy(b -> {
            b.healthCheck = query;
            b.healthCheckWait = d;
        });
    }

    /**
     * {@return a copy that logs backfill progress at INFO at most every {@code interval} (default 10 s); the receiver is
     * unchanged}
     *
     * @param interval the interval
     */
    public PostgresOptions withProgressLogInterval(Duration interval) {
        Duration d = nonNegative(interval, "progressLogInterval");
        return copy(b -> b.progressLogInterval = d);
    }

    /**
     * {@return a copy that verifies in batches of {@code rows} keys (default 10,000); the receiver is unchanged}
     *
     * @param rows rows per verification query, at least 1
     */
    public PostgresOptions withVerifyBatchSize(int rows) {
        argument(rows >= 1, "verifyBatchSize must be >= 1 but was %s", rows);
        return copy(b -> b.verifyBatchSize = rows);
    }

    /**
     * {@return a copy whose connections report {@code application_name} {@code name} (default {@code tandem}); the
     * receiver is unchanged}
     *
     * @param name the application name
     */
    public PostgresOptions withApplicationName(String name) {
        requireNonNull(name, "name");
        return copy(b -> b.applicationName = name);
    }

    /**
     * {@return a copy that reports every unit of DDL work to {@code listener} (default none), replacing the current
     * listener; combine several with {@link ExecutionListener#compose}. The receiver is unchanged}
     *
     * @param listener the listener
     */
    public PostgresOptions withListener(ExecutionListener listener) {
        requireNonNull(listener, "listener");
        return copy(b -> b.listener = listener);
    }

    /**
     * {@return a copy that lets the backfill fire the table's own UPDATE triggers (default {@code false}); the receiver
     * is unchanged}
     *
     * <p>The backfill is not an application change: by default it skips the table's triggers (an {@code updated_at}
     * trigger would otherwise mark every existing row as just modified, and an audit trigger would log every row) by
     * running its batches with {@code session_replication_role = replica}. That needs a superuser, or on PostgreSQL 15
     * and later {@code GRANT SET ON PARAMETER session_replication_role TO <migrator>}; without it, and with triggers
     * that would fire (or triggers enabled {@code ALWAYS}), the backfill stops before its first batch and says so. Set
     * this to {@code true} to fire them instead.
     *
     * @param fire whether the backfill fires the table's UPDATE triggers
     */
    public PostgresOptions withBackfillFiringTriggers(boolean fire) {
        return copy(b -> b.backfillFiresTriggers = fire);
    }

    /** {@return whether the backfill fires the table's own UPDATE triggers} */
    public boolean backfillFiresTriggers() {
        return backfillFiresTriggers;
    }

    /**
     * {@return a copy whose contract is refused while sessions of the old application version are connected (default
     * {@link OldVersionGuard#NONE}: no check); the receiver is unchanged}
     *
     * <p>Contract drops what the old version reads and writes. The guard makes "wait until the old version is gone"
     * checkable: give each version's connections an {@code application_name} of its own (pgjdbc's
     * {@code ApplicationName} property, Hikari's {@code dataSourceProperties}), or a role of its own, and name the old
     * one here. {@link PostgresMigrator#forceContract} skips the guard; {@link PostgresMigrator#oldVersionSessions()}
     * lists what it sees.
     *
     * @param guard which sessions belong to the old version
     */
    public PostgresOptions withOldVersionGuard(OldVersionGuard guard) {
        requireNonNull(guard, "guard");
        return copy(b -> b.oldVersionGuard = guard);
    }

    /** {@return which sessions count as the old application version's} */
    public OldVersionGuard oldVersionGuard() {
        return oldVersionGuard;
    }

    /**
     * {@return a copy that reports every backfill's progress to {@code listener} (default none), besides the listener
     * a {@link PostgresMigrator#backfill(dev.tandem.MigrationPlan, BackfillListener) backfill} call is given: the hook
     * for metrics. The receiver is unchanged}
     *
     * @param listener the listener; it runs on the backfill's thread after every batch, so keep it fast
     */
    public PostgresOptions withBackfillListener(BackfillListener listener) {
        requireNonNull(listener, "listener");
        return copy(b -> b.backfillListener = listener);
    }

    /** {@return the backfill listener every backfill reports to} */
    public BackfillListener backfillListener() {
        return backfillListener;
    }

    /** {@return the execution listener} */
    public ExecutionListener listener() {
        return listener;
    }

    /** {@return the schema for unqualified table names} */
    public Identifier defaultSchema() {
        return defaultSchema;
    }

    /** {@return the schema holding Tandem's state} */
    public Identifier stateSchema() {
        return stateSchema;
    }

    /** {@return the {@code lock_timeout} per DDL attempt} */
    public Duration lockTimeout() {
        return lockTimeout;
    }

    /** {@return the {@code statement_timeout} for DDL} */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /** {@return the retry deadline per DDL statement} */
    public Duration lockRetryDeadline() {
        return lockRetryDeadline;
    }

    /** {@return the first retry delay} */
    public Duration retryInitialDelay() {
        return retryInitialDelay;
    }

    /** {@return the largest retry delay} */
    public Duration retryMaxDelay() {
        return retryMaxDelay;
    }

    /** {@return how long to wait for another runner of the same plan} */
    public Duration runnerLockWait() {
        return runnerLockWait;
    }

    /** {@return rows in the first backfill batch} */
    public int initialBatchSize() {
        return initialBatchSize;
    }

    /** {@return the smallest backfill batch} */
    public int minBatchSize() {
        return minBatchSize;
    }

    /** {@return the largest backfill batch} */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** {@return the duration backfill batches are sized toward} */
    public Duration targetBatchDuration() {
        return targetBatchDuration;
    }

    /** {@return the longest a backfill batch should keep its updated rows locked} */
    public Duration maxLockHold() {
        return maxLockHold;
    }

    /** {@return whether backfill batches wait for their commit to be flushed} */
    public boolean backfillSynchronousCommit() {
        return backfillSynchronousCommit;
    }

    /** {@return the pause between backfill batches} */
    public Duration batchPause() {
        return batchPause;
    }

    /** {@return the {@code statement_timeout} per backfill statement} */
    public Duration batchStatementTimeout() {
        return batchStatementTimeout;
    }

    /** {@return the {@code lock_timeout} per backfill batch} */
    public Duration batchLockTimeout() {
        return batchLockTimeout;
    }

    /** {@return the health-check query, if one is set} */
    public Optional<SqlStatement> healthCheck() {
        return Optional.ofNullable(healthCheck);
    }

    /** {@return the wait between health checks while unhealthy} */
    public Duration healthCheckWait() {
        return healthCheckWait;
    }

    /** {@return the interval of INFO progress lines} */
    public Duration progressLogInterval() {
        return progressLogInterval;
    }

    /** {@return rows per verification query} */
    public int verifyBatchSize() {
        return verifyBatchSize;
    }

    /** {@return the {@code application_name} of Tandem's connections} */
    public String applicationName() {
        return applicationName;
    }

    @Override
    public String toString() {
        return "PostgresOptions[defaultSchema=" + defaultSchema + ", stateSchema=" + stateSchema + ", lockTimeout="
                + lockTimeout + ", statementTimeout=" + statementTimeout + ", lockRetryDeadline=" + lockRetryDeadline
                + ", retryDelays=" + retryInitialDelay + ".." + retryMaxDelay + ", runnerLockWait=" + runnerLockWait
                + ", batchSizes=" + initialBatchSize + "/" + minBatchSize + ".." + maxBatchSize
                + ", targetBatchDuration=" + targetBatchDuration + ", maxLockHold=" + maxLockHold
                + ", batchPause=" + batchPause
                + ", batchTimeouts=" + batchStatementTimeout + "/" + batchLockTimeout + ", healthCheck="
                + (healthCheck == null ? "none" : healthCheck.sql()) + ", verifyBatchSize=" + verifyBatchSize
                + ", applicationName=" + applicationName + ", backfillFiresTriggers=" + backfillFiresTriggers
                + ", backfillSynchronousCommit=" + backfillSynchronousCommit
                + ", oldVersionGuard=" + oldVersionGuard + "]";
    }
}
