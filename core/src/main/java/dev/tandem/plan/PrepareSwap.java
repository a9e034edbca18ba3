package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Readies the shadow column of a type change for the swap, after the backfill filled it: builds its copies of the
 * column's indexes concurrently and checks its {@code NOT NULL} with a validated {@code CHECK}, while reads and writes go
 * on. Rollback drops them with the shadow column.
 *
 * @param table the table
 * @param column the column whose type changes
 * @param shadow the shadow column with the new type
 */
public record PrepareSwap(TableName table, Identifier column, Identifier shadow) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the column
     * @param shadow the shadow column
     */
    public PrepareSwap {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
        requireNonNull(shadow, "shadow");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitPrepareSwap(this);
    }
}
