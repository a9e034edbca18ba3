package dev.tandem.postgres.internal;

import static java.util.Objects.requireNonNull;

import dev.tandem.ErrorCode;
import dev.tandem.LockNotAcquiredException;
import dev.tandem.LockNotAcquiredException.BlockingSession;
import dev.tandem.StepExecutionException;
import dev.tandem.postgres.ExecutionListener;
import dev.tandem.postgres.PostgresOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link SqlUnit}s under Tandem's lock discipline: each transactional unit in its own short transaction with
 * {@code SET LOCAL lock_timeout} and {@code statement_timeout}, retried on lock timeouts and deadlocks with jittered
 * exponential backoff until a deadline; when the deadline passes, the exception names the sessions that held the lock.
 */
public final class DdlRunner {
    private static final Logger log = LoggerFactory.getLogger(DdlRunner.class);

    private final String planId;
    private final PostgresOptions options;
    private final StateStore store;

    /**
     * Creates a runner.
     *
     * @param planId the plan's id
     * @param options the options
     * @param store the state store (for step markers and events)
     */
    public DdlRunner(String planId, PostgresOptions options, StateStore store) {
        this.planId = planId;
        this.options = options;
        this.store = store;
    }

    /**
     * Runs the unit, retrying lock failures, and marks its steps done in the same transaction.
     *
     * @param c the connection, in autocommit mode, holding no locks
     * @param unit the unit
     * @throws LockNotAcquiredException when the lock could not be taken before the deadline
     * @throws StepExecutionException when a statement fails for another reason
     * @throws SQLException when the connection fails
     */
    public void run(Connection c, SqlUnit unit) throws SQLException {
        droppedLeftovers.clear();
        long start = System.nanoTime();
        long deadline = start + options.lockRetryDeadline().toNanos();
        List<BlockingSession> blockers = List.of();
        SQLException last = null;
        for (int attempt = 1; ; attempt++) {
            Instant began = Instant.now();
            ExecutionListener.Unit info = info(unit);
            options.listener().beforeUnit(info, c);
            long t0 = System.nanoTime();
            try {
                if (unit.transactional()) {
                    runInTransaction(c, unit);
                } else {
                    runOutsideTransaction(c, unit);
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                options.listener().afterUnit(info, Duration.ofNanos(System.nanoTime() - t0));
                log.debug("{} - {} {} done in {} ms (attempt {})", planId, unit.phaseName(), unit.label(), ms, attempt);
                bestEffortEvent(c, unit, attempt, began, ms, "ok", "");
                return;
            } catch (SQLException e) {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                options.listener().attemptFailed(info, e);
                if (!SqlStates.lockFailure(e)) {
                    bestEffortEvent(c, unit, attempt, began, ms, "failed", String.valueOf(e.getMessage()));
                    if (SqlStates.connectionLost(e)) {
                        throw e;
                    }
                    throw failure(unit, e);
                }
                last = e;
                blockers = inspect(c, unit);
                long delay = backoff(attempt);
                bestEffortEvent(c, unit, attempt, began, ms, "lock-timeout", describe(blockers));
                if (System.nanoTime() + delay * 1_000_000 > deadline) {
                    throw lockFailure(unit, attempt, (System.nanoTime() - start) / 1_000_000, blockers, last);
                }
                log.warn(
                        "{} - {} {}: could not lock {} in {} mode within lock_timeout {} ms (attempt {}); retrying as soon as the holders end, at most in {} ms. Holders: {}",
                        planId,
                        unit.phaseName(),
                        unit.label(),
                        unit.lockTable() == null
                                ? "its table"
                                : unit.lockTable().quoted(),
                        unit.lockMode().sqlName(),
                        options.lockTimeout().toMillis(),
                        attempt,
                        delay,
                        describe(blockers));
                waitForHolders(c, unit, blockers, delay);
            }
        }
    }

    /**
     * Waits until the sessions that held the lock no longer hold it, or {@code maxMillis} passed. Watching
     * {@code pg_locks} queues behind nobody, so the next attempt follows the holder's end within one poll instead of
     * sleeping blindly; the jittered maximum still spreads out runners that keep meeting new holders.
     */
    private void waitForHolders(Connection c, SqlUnit unit, List<BlockingSession> holders, long maxMillis) {
        long until = System.nanoTime() + maxMillis * 1_000_000;
        if (holders.isEmpty() || unit.lockTable() == null) {
            sleep(Math.min(maxMillis, POLL_MILLIS));
            return;
        }
        java.util.Set<Integer> pids = new java.util.HashSet<>();
        for (BlockingSession b : holders) {
            pids.add(b.pid());
        }
        while (System.nanoTime() < until) {
            sleep(Math.max(1, Math.min(POLL_MILLIS, (until - System.nanoTime()) / 1_000_000)));
            List<BlockingSession> now = inspect(c, unit);
            if (now.stream().noneMatch(b -> pids.contains(b.pid()))) {
                return;
            }
        }
    }

    /** How often a waiting runner looks at {@code pg_locks}. */
    private static final long POLL_MILLIS = 50;

    private void runInTransaction(Connection c, SqlUnit unit) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_catalog.set_config('lock_timeout', '"
                    + options.lockTimeout().toMillis() + "ms', true)," + " pg_catalog.set_config('statement_timeout', '"
                    + options.statementTimeout().toMillis() + "ms', true)"
                    + (unit.searchPath() == null
                            ? ""
                            : ", pg_catalog.set_config('search_path', " + Sql.literal(unit.searchPath()) + ", true)"));
            for (RenderedStatement r : unit.statements()) {
                s.execute(r.sql());
            }
            store.markDone(c, planId, unit.phaseName(), ids(unit));
            options.listener().beforeCommit(info(unit), c);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            autocommitQuietly(c);
        }
    }

    private void runOutsideTransaction(Connection c, SqlUnit unit) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_catalog.set_config('lock_timeout', '"
                    + options.lockTimeout().toMillis() + "ms', false),"
                    + " pg_catalog.set_config('statement_timeout', '"
                    + options.statementTimeout().toMillis()
                    + "ms', false)"
                    + (unit.searchPath() == null
                            ? ""
                            : ", pg_catalog.set_config('search_path', " + Sql.literal(unit.searchPath()) + ", false)"));
            try {
                for (RenderedStatement r : unit.statements()) {
                    executeOutside(c, s, r);
                }
            } finally {
                SessionSettings.repinQuietly(c);
            }
            store.markDone(c, planId, unit.phaseName(), ids(unit));
        }
    }

    /** Runs one statement outside a transaction; a concurrent index build never leaves an INVALID index behind. */
    private void executeOutside(Connection c, Statement s, RenderedStatement r) throws SQLException {
        Optional<ConcurrentIndex> index = ConcurrentIndex.of(r);
        if (index.isPresent()) {
            if (index.get().validOn(c, requireNonNull(r.relation(), "relation"))) {
                // an earlier run built it and stopped before it could mark the step done
                log.info(
                        "{} - the index {} exists and is valid: an earlier run built it; counting the step as done",
                        planId,
                        index.get().quoted());
                return;
            }
            if (index.get().dropIfInvalid(c)) {
                // a leftover of an earlier failed build; dropping it waits like the build does, so it may time out
                log.warn(
                        "{} - dropped the INVALID index {} left by an earlier attempt",
                        planId,
                        index.get().quoted());
            }
        }
        try {
            s.execute(r.sql());
        } catch (SQLException e) {
            if (index.isPresent()) {
                dropLeftover(c, index.get());
            }
            if (ConcurrentIndex.isConcurrentReindex(r) && r.relation() != null) {
                dropReindexLeftovers(c, r.relation());
            }
            throw e;
        }
        if (index.isPresent() && index.get().dropIfInvalid(c)) {
            // IF NOT EXISTS accepted an INVALID leftover of an earlier attempt: it is gone now, build it again
            s.execute(r.sql());
            if (index.get().invalid(c)) {
                throw new SQLException(
                        "index " + index.get().quoted() + " is INVALID after CREATE INDEX CONCURRENTLY", "55000");
            }
        }
    }

    private void dropLeftover(Connection c, ConcurrentIndex index) {
        try {
            if (index.dropIfInvalid(c)) {
                droppedLeftovers.add(index.quoted());
                log.warn(
                        "{} - a failed concurrent build left the index {} INVALID; dropped it", planId, index.quoted());
            }
        } catch (SQLException e) {
            // the next attempt drops it first
            log.debug("{} - could not drop the INVALID index {} yet: {}", planId, index.quoted(), e.getMessage());
        }
    }

    /** A failed {@code REINDEX ... CONCURRENTLY} leaves INVALID {@code *_ccnew} (or {@code *_ccold}) indexes. */
    private void dropReindexLeftovers(Connection c, dev.tandem.plan.TableName table) {
        try {
            for (String name : ConcurrentIndex.dropReindexLeftovers(c, table)) {
                droppedLeftovers.add(name);
                log.warn("{} - a failed concurrent reindex left the index {} INVALID; dropped it", planId, name);
            }
        } catch (SQLException e) {
            log.debug("{} - could not drop the leftovers of a failed reindex yet: {}", planId, e.getMessage());
        }
    }

    /** INVALID indexes this runner dropped after a failure, for the failure's message. */
    private final List<String> droppedLeftovers = new java.util.ArrayList<>();

    private ExecutionListener.Unit info(SqlUnit unit) {
        return new ExecutionListener.Unit(
                planId,
                unit.phaseName(),
                ids(unit),
                unit.statements().stream().map(RenderedStatement::sql).collect(Collectors.toList()),
                unit.transactional(),
                unit.lockTable() == null ? "" : unit.lockTable().quoted(),
                unit.lockMode());
    }

    private static List<String> ids(SqlUnit unit) {
        return unit.steps().stream().map(id -> id.value()).collect(Collectors.toList());
    }

    private List<BlockingSession> inspect(Connection c, SqlUnit unit) {
        if (unit.lockTable() == null) {
            return List.of();
        }
        try {
            return Blockers.on(c, unit.lockTable(), unit.lockMode());
        } catch (SQLException e) {
            log.debug("{} - could not list lock holders: {}", planId, e.getMessage());
            return List.of();
        }
    }

    /** Equal jitter: half the exponential delay fixed, half random, so retrying runners spread out. */
    private long backoff(int attempt) {
        long base = options.retryInitialDelay().toMillis();
        long cap = options.retryMaxDelay().toMillis();
        long exp = attempt >= 30 ? cap : Math.min(cap, base << (attempt - 1));
        long half = Math.max(1, exp / 2);
        return half + ThreadLocalRandom.current().nextLong(half + 1);
    }

    static String describe(List<BlockingSession> blockers) {
        if (blockers.isEmpty()) {
            return "none seen (they ended before Tandem looked)";
        }
        return blockers.stream().map(BlockingSession::describe).collect(Collectors.joining("; "));
    }

    private LockNotAcquiredException lockFailure(
            SqlUnit unit, int attempts, long elapsedMillis, List<BlockingSession> blockers, SQLException cause) {
        String table = unit.lockTable() == null ? "its table" : unit.lockTable().quoted();
        String terminate = blockers.isEmpty()
                ? "End the long transaction on that table"
                : "End " + (blockers.size() == 1 ? "that session" : "those sessions") + " (SELECT pg_terminate_backend("
                        + blockers.get(0).pid() + ")" + (blockers.size() > 1 ? ", ..." : "") + ")";
        String message = capitalize(unit.phaseName()) + " step '" + unit.label() + "' of plan '" + planId
                + "' could not lock " + table + " in " + unit.lockMode().sqlName() + " mode: gave up after "
                + attempts + " attempts in " + elapsedMillis + " ms (lock_timeout "
                + options.lockTimeout().toMillis()
                + " ms each, so other queries never waited longer behind it). Blocked by: " + describe(blockers)
                + ". " + terminate + ", or raise PostgresOptions.lockRetryDeadline (now "
                + options.lockRetryDeadline() + "). Nothing of this step was applied; run the phase again to resume.";
        return new LockNotAcquiredException(ErrorCode.LOCK_TIMEOUT, planId, message, blockers, cause);
    }

    private StepExecutionException failure(SqlUnit unit, SQLException e) {
        String sql = unit.statements().isEmpty() ? "" : unit.statements().get(0).sql();
        String message = capitalize(unit.phaseName()) + " step '" + unit.label() + "' of plan '" + planId
                + "' failed: SQLState " + SqlStates.of(e) + ": " + SqlStates.message(e)
                + (unit.transactional()
                        ? ". Nothing of this step was applied."
                        : ". The step runs outside a transaction: statements before the failing one stay applied."
                                + (droppedLeftovers.isEmpty()
                                        ? ""
                                        : " The INVALID index(es) the failure left behind were dropped: "
                                                + String.join(", ", droppedLeftovers) + "."))
                + (SqlStates.statementTimeout(e)
                        ? " Raise PostgresOptions.statementTimeout (now " + options.statementTimeout() + ")."
                        : "")
                + (SqlStates.cancelled(e)
                        ? " Another session cancelled the statement (pg_cancel_backend); run the phase again."
                        : "")
                + (unit.searchPath() != null && String.valueOf(e.getMessage()).contains("to create \"pg_catalog.")
                        ? " Raw SQL runs with search_path = " + unit.searchPath() + ", so an unqualified new object"
                                + " would be created in pg_catalog: schema-qualify its name."
                        : "")
                + ("23514".equals(SqlStates.of(e)) || "23503".equals(SqlStates.of(e))
                        ? " A row violates the constraint: fix the rows (or the plan) and run the phase again."
                        : "")
                + " First statement: " + cap(sql);
        return new StepExecutionException(
                ErrorCode.STEP_FAILED, planId, unit.label(), unit.phaseName(), SqlStates.of(e), message, e);
    }

    static String cap(String sql) {
        return sql.length() <= 1024 ? sql : sql.substring(0, 1024) + "...";
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private void bestEffortEvent(
            Connection c, SqlUnit unit, int attempt, Instant began, long ms, String outcome, String detail) {
        try {
            store.event(c, planId, unit.phaseName(), unit.label(), attempt, began, ms, outcome, detail);
        } catch (SQLException e) {
            log.debug("{} - could not write event: {}", planId, e.getMessage());
        }
    }

    /**
     * Back to autocommit without letting a dead connection's error replace the failure that killed it.
     *
     * @param c the connection
     */
    public static void autocommitQuietly(Connection c) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            log.debug("could not return to autocommit: {}", e.getMessage());
        }
    }

    /**
     * Rolls back, logging instead of throwing.
     *
     * @param c the connection
     */
    public static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            log.debug("rollback failed: {}", e.getMessage());
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }
}
