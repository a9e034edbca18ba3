package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.TableName;
import dev.tandem.postgres.ExecutionListener;
import dev.tandem.postgres.PostgresOptions;
import dev.tandem.testkit.internal.LockQueries;
import dev.tandem.testkit.internal.LockQueries.SeenLock;
import dev.tandem.testkit.internal.LockQueries.StorageFile;
import dev.tandem.testkit.internal.LockSampler;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Records, from PostgreSQL itself, the table locks each unit of work really takes, how long it holds them, and whether
 * it rewrites a table. Attach it to a migrator and assert on what it saw:
 *
 * <pre>{@code
 * LockRecorder recorder = LockRecorder.create(dataSource);
 * PostgresMigrator migrator = PostgresMigrator.create(dataSource, recorder.attachTo(PostgresOptions.defaults()));
 * migrator.expand(plan);
 * TandemAssertions.assertThat(recorder).phase("expand")
 *     .takesNoLockBlockingReadsLongerThan(Duration.ofMillis(500))
 *     .rewritesNoTable();
 * }</pre>
 *
 * <p>For a unit that runs in a transaction the recorder reads {@code pg_locks} for the executor's session inside it,
 * just before commit, and counts every lock as held for the unit's whole duration (PostgreSQL keeps table locks until
 * commit), and {@code pg_stat_xact_user_tables} for the tables the transaction read in a sequential scan (an index
 * build, the check of {@code SET NOT NULL}). For a unit outside a transaction ({@code CREATE INDEX CONCURRENTLY}) it
 * samples {@code pg_locks} from another connection while the unit runs. A rewrite shows as a changed {@code
 * pg_class.relfilenode}. Locks on
 * system catalogs, indexes, sequences and Tandem's state schema are left out.
 *
 * <p>Instances are thread-safe. They keep what they recorded until {@link #clear()}.
 */
public final class LockRecorder {
    private static final String DEFAULT_STATE_SCHEMA = "tandem";

    private final DataSource dataSource;
    private final Set<String> ignoredSchemas = ConcurrentHashMap.newKeySet();
    private final List<RecordedUnit> units = new CopyOnWriteArrayList<>();
    private final ConcurrentMap<Thread, Pending> pending = new ConcurrentHashMap<>();
    private final ExecutionListener listener = new Listener();

    private LockRecorder(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
        ignoredSchemas.add(DEFAULT_STATE_SCHEMA);
    }

    /**
     * {@return a recorder that has recorded nothing yet}
     *
     * @param dataSource the database the recorded work runs on; the recorder takes its own connections from it (to
     *     sample locks and read {@code pg_class}), and {@link #record(String)} runs statements on it
     */
    public static LockRecorder create(DataSource dataSource) {
        return new LockRecorder(dataSource);
    }

    /**
     * {@return the listener to register with {@link PostgresOptions#withListener}; prefer {@link #attachTo}, which also
     * leaves the options' state schema out of the recording}
     */
    public ExecutionListener listener() {
        return listener;
    }

    /**
     * {@return a copy of {@code options} that reports every unit of work to this recorder} Locks on the options' state
     * schema are not recorded. The given options are unchanged.
     *
     * @param options the migrator's options; a listener they already have keeps being called, before this one
     */
    public PostgresOptions attachTo(PostgresOptions options) {
        requireNonNull(options, "options");
        ignoredSchemas.add(options.stateSchema().value());
        return options.withListener(ExecutionListener.compose(options.listener(), listener));
    }

    /**
     * Runs one statement and records its locks and rewrites. It runs in its own transaction, unless it contains {@code
     * CONCURRENTLY} or starts with {@code VACUUM}; then it runs outside any transaction and its locks are sampled.
     *
     * <p><b>The statement runs verbatim</b>: never build it from input you do not control.
     *
     * @param sql one SQL statement, such as {@code ALTER TABLE customers ADD COLUMN note text}
     * @return what was recorded; it is also added to {@link #units()}
     * @throws IllegalStateException if the statement fails; the message has the SQLState and the cause is the driver's
     *     exception
     */
    public RecordedUnit record(String sql) {
        requireNonNull(sql, "sql");
        String upper = sql.strip().toUpperCase(Locale.ROOT);
        boolean transactional = !upper.contains("CONCURRENTLY") && !upper.startsWith("VACUUM");
        Set<String> ignored = Set.copyOf(ignoredSchemas);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            Map<Long, StorageFile> before = LockQueries.storageFiles(c, ignored);
            long t0 = System.nanoTime();
            List<RelationLock> locks = new ArrayList<>();
            List<TableName> scanned = List.of();
            if (transactional) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    Map<Long, Long> scansBefore = LockQueries.seqScans(c);
                    s.execute(sql);
                    List<SeenLock> seen = LockQueries.ownLocks(c, ignored);
                    scanned = LockQueries.seqScanned(scansBefore, LockQueries.seqScans(c), before);
                    c.commit();
                    Duration held = Duration.ofNanos(System.nanoTime() - t0);
                    for (SeenLock l : seen) {
                        locks.add(new RelationLock(l.table(), l.mode(), held));
                    }
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } else {
                LockSampler sampler = LockSampler.start(dataSource, LockQueries.pid(c), ignored);
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                } finally {
                    locks.addAll(sampler.stop());
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            List<TableName> rewritten = LockQueries.rewritten(before, LockQueries.storageFiles(c, ignored));
            RecordedUnit unit =
                    new RecordedUnit("sql", List.of(), List.of(sql), transactional, took, locks, rewritten, scanned);
            units.add(unit);
            return unit;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Could not record `" + sql + "`: SQLState " + e.getSQLState() + ": " + e.getMessage(), e);
        }
    }

    /** {@return every unit recorded so far, in the order they finished} */
    public List<RecordedUnit> units() {
        return List.copyOf(units);
    }

    /**
     * {@return the units of one phase, in the order they finished}
     *
     * @param phase {@code expand}, {@code contract}, {@code rollback}, or {@code sql} for {@link #record(String)}
     */
    public List<RecordedUnit> units(String phase) {
        requireNonNull(phase, "phase");
        return units.stream().filter(u -> u.phase().equals(phase)).toList();
    }

    /** Forgets everything recorded so far. */
    public void clear() {
        units.clear();
    }

    /** {@return every recorded unit, one per line} */
    @Override
    public String toString() {
        StringBuilder out =
                new StringBuilder("LockRecorder[").append(units.size()).append(" units]");
        for (RecordedUnit u : units) {
            out.append("\n  ").append(u);
        }
        return out.toString();
    }

    /** What is known of a unit between its start and its end, per executor thread. */
    private static final class Pending {
        final ExecutionListener.Unit unit;
        final Map<Long, StorageFile> before;
        final @Nullable LockSampler sampler;
        final Map<Long, Long> scansBefore;
        final long startNanos = System.nanoTime();
        volatile List<SeenLock> locks = List.of();
        volatile List<TableName> scanned = List.of();

        Pending(
                ExecutionListener.Unit unit,
                Map<Long, StorageFile> before,
                Map<Long, Long> scansBefore,
                @Nullable LockSampler s) {
            this.unit = unit;
            this.before = before;
            this.scansBefore = scansBefore;
            this.sampler = s;
        }
    }

    private final class Listener implements ExecutionListener {
        @Override
        public void beforeUnit(Unit unit, Connection connection) throws SQLException {
            discard(pending.remove(Thread.currentThread())); // an earlier attempt that failed
            Set<String> ignored = Set.copyOf(ignoredSchemas);
            Map<Long, StorageFile> before = LockQueries.storageFiles(connection, ignored);
            LockSampler sampler =
                    unit.transactional() ? null : LockSampler.start(dataSource, LockQueries.pid(connection), ignored);
            Map<Long, Long> scans = unit.transactional() ? LockQueries.seqScans(connection) : Map.of();
            pending.put(Thread.currentThread(), new Pending(unit, before, scans, sampler));
        }

        @Override
        public void beforeCommit(Unit unit, Connection connection) throws SQLException {
            Pending p = pending.get(Thread.currentThread());
            if (p != null) {
                p.locks = LockQueries.ownLocks(connection, Set.copyOf(ignoredSchemas));
                p.scanned = LockQueries.seqScanned(p.scansBefore, LockQueries.seqScans(connection), p.before);
            }
        }

        @Override
        public void afterUnit(Unit unit, Duration took) {
            Pending p = pending.remove(Thread.currentThread());
            if (p == null) {
                return;
            }
            // The executor's own time includes this recorder's catalog reads; count from the end of beforeUnit.
            Duration held = Duration.ofNanos(Math.min(took.toNanos(), System.nanoTime() - p.startNanos));
            List<RelationLock> locks = new ArrayList<>();
            LockSampler sampler = p.sampler;
            if (sampler != null) {
                locks.addAll(sampler.stop());
            } else {
                for (SeenLock l : p.locks) {
                    locks.add(new RelationLock(l.table(), l.mode(), held));
                }
            }
            List<TableName> rewritten;
            try (Connection c = dataSource.getConnection()) {
                rewritten = LockQueries.rewritten(p.before, LockQueries.storageFiles(c, Set.copyOf(ignoredSchemas)));
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "The lock recorder could not read pg_class after " + unit.stepIds() + ": SQLState "
                                + e.getSQLState() + ": " + e.getMessage(),
                        e);
            }
            units.add(new RecordedUnit(
                    p.unit.phase(),
                    unit.stepIds(),
                    unit.statements(),
                    unit.transactional(),
                    held,
                    locks,
                    rewritten,
                    p.scanned));
        }

        private void discard(@Nullable Pending p) {
            LockSampler sampler = p == null ? null : p.sampler;
            if (sampler != null) {
                sampler.cancel();
            }
        }
    }
}
