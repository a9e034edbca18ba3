package dev.tandem.plan;

/**
 * What the database does when a write gives a value that cannot be mapped to the other representation: the mapping
 * expression fails (a value too long for the new column, a failed cast) or the plan's {@code mappableWhen} condition is
 * false.
 */
public enum UnmappedPolicy {
    /**
     * The write succeeds; the other side is stored as NULL and the row's key is recorded in Tandem's unmapped table,
     * reported by {@code verify}, and blocks {@code contract} until it is fixed. The default: an old-version write never
     * fails because of the migration.
     */
    RECORD,
    /** The write fails with an error that names the plan, the table, the columns and the cause. */
    REJECT
}
