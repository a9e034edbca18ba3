package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link LockRecorder} saw of one unit of work: a unit of the executor (one or more statements that complete
 * some steps of a plan) or one statement the test ran through {@link LockRecorder#record(String)}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param phase {@code expand}, {@code contract} or {@code rollback} for the executor's units; {@code sql} for
 *     statements recorded with {@link LockRecorder#record(String)}
 * @param stepIds the plan steps the unit completed; empty for recorded statements and for units without a step (such
 *     as dropping the sync functions)
 * @param statements the SQL of its statements, in order
 * @param transactional whether it ran in one transaction (its locks were read inside it) or outside any (its locks were
 *     sampled from another session while it ran, so very short ones may be missed)
 * @param duration how long it ran
 * @param locks the table-level locks it held, without those on Tandem's own state tables and system catalogs
 * @param rewritten the tables whose storage it replaced ({@code pg_class.relfilenode} changed): a table rewrite, as by
 *     {@code ALTER COLUMN ... TYPE}, {@code VACUUM FULL} or {@code TRUNCATE}
 * @param scanned the tables that existed before the unit and that it read in a sequential scan, as PostgreSQL counted
 *     them in the unit's transaction ({@code pg_stat_xact_user_tables}): an index build, the check of {@code SET NOT
 *     NULL} or of a new constraint, a query without a usable index; empty for a unit outside a transaction
 */
public record RecordedUnit(
        String phase,
        List<String> stepIds,
        List<String> statements,
        boolean transactional,
        Duration duration,
        List<RelationLock> locks,
        List<TableName> rewritten,
        List<TableName> scanned) {
    /**
     * Checks the components and copies the lists.
     *
     * @param phase phase
     * @param stepIds step ids
     * @param statements statements
     * @param transactional transactional
     * @param duration duration
     * @param locks locks
     * @param rewritten rewritten tables
     * @param scanned tables read in a sequential scan
     */
    public RecordedUnit {
        requireNonNull(phase, "phase");
        requireNonNull(duration, "duration");
        stepIds = List.copyOf(stepIds);
        statements = List.copyOf(statements);
        locks = List.copyOf(locks);
        rewritten = List.copyOf(rewritten);
        scanned = List.copyOf(scanned);
    }

    /**
     * {@return the locks it held on {@code table}} An unqualified name matches a table of that name in any schema.
     *
     * @param table the table
     */
    public List<RelationLock> locksOn(TableName table) {
        return locks.stream().filter(l -> l.isOn(table)).toList();
    }

    /** {@return its strongest lock, if it took any} */
    public Optional<RelationLock> strongestLock() {
        return locks.stream().max((a, b) -> a.mode().compareTo(b.mode()));
    }

    /**
     * {@return whether it held {@code mode} on {@code table}}
     *
     * @param table the table; unqualified matches any schema
     * @param mode the lock mode
     */
    public boolean tookLock(TableName table, LockMode mode) {
        return locksOn(table).stream().anyMatch(l -> l.mode() == mode);
    }

    /** {@return one line: phase, steps or first statement, duration, locks and rewrites} */
    @Override
    public String toString() {
        String what = stepIds.isEmpty()
                ? (statements.isEmpty() ? "(no statement)" : shorten(statements.get(0)))
                : String.join(", ", stepIds);
        return phase + " " + what + " (" + duration.toMillis() + " ms" + (transactional ? "" : ", no transaction")
                + "): " + (locks.isEmpty() ? "no table lock" : locks.toString())
                + (rewritten.isEmpty() ? "" : ", rewrote " + rewritten)
                + (scanned.isEmpty() ? "" : ", scanned " + scanned);
    }

    private static String shorten(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }
}
