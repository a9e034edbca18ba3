package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Drops a column's {@code NOT NULL} in expand, catalog-only, so the new application version may leave it out. Rollback
 * restores it without a long lock ({@code CHECK ... NOT VALID}, validated while reads and writes go on, then
 * {@code SET NOT NULL} without a scan), and refuses while rows written meanwhile have NULL there.
 *
 * @param table the table
 * @param column the column
 */
public record DropNotNull(TableName table, Identifier column) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the column
     */
    public DropNotNull {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitDropNotNull(this);
    }
}
