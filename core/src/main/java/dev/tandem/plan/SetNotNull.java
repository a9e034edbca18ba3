package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Sets a column {@code NOT NULL} without scanning the table under ACCESS EXCLUSIVE: a validated
 * {@code CHECK (column IS NOT NULL)} (added and validated by earlier steps) proves it, so PostgreSQL skips the scan;
 * the check is dropped in the same transaction.
 *
 * @param table the table
 * @param column the column
 * @param check the validated check that proves it
 */
public record SetNotNull(TableName table, Identifier column, Identifier check) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the column
     * @param check the check
     */
    public SetNotNull {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
        requireNonNull(check, "check");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitSetNotNull(this);
    }
}
