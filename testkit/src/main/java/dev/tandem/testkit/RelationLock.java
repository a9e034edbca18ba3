package dev.tandem.testkit;

import static java.util.Objects.requireNonNull;

import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import java.time.Duration;

/**
 * A table-level lock a recorded unit of work held, as {@code pg_locks} showed it.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param table the relation (a table, partitioned table, materialized view, view or foreign table), schema-qualified
 * @param mode the lock mode
 * @param held how long it was held: for a transactional unit the unit's whole duration (a lock is kept until commit);
 *     for a unit that ran outside a transaction, the time between the first and the last sample that saw it
 */
public record RelationLock(TableName table, LockMode mode, Duration held) {
    /**
     * Checks the components.
     *
     * @param table table
     * @param mode mode
     * @param held held
     */
    public RelationLock {
        requireNonNull(table, "table");
        requireNonNull(mode, "mode");
        requireNonNull(held, "held");
    }

    /**
     * {@return whether this lock is on {@code table}} An unqualified name matches a table of that name in any schema.
     *
     * @param table the table
     */
    public boolean isOn(TableName table) {
        requireNonNull(table, "table");
        return this.table.name().equals(table.name())
                && (table.schema() == null || table.schema().equals(this.table.schema()));
    }

    /** {@return for example {@code ACCESS EXCLUSIVE on public.customers for 3 ms}} */
    @Override
    public String toString() {
        return mode.sqlName() + " on " + table + " for " + held.toMillis() + " ms";
    }
}
