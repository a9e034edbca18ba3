package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Swaps the shadow column of a type change in, at contract, in the same short transaction that drops the sync trigger:
 * the foreign keys that reference the column are dropped, the old column is dropped, the shadow takes its name,
 * default, sequence, {@code NOT NULL}, indexes, primary key and unique constraints (through the indexes built before),
 * and the column's checks and foreign keys come back {@code NOT VALID}; a later unit validates them while reads and
 * writes go on.
 *
 * @param table the table
 * @param column the column whose type changes
 * @param shadow the shadow column with the new type
 */
public record SwapColumn(TableName table, Identifier column, Identifier shadow) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the column
     * @param shadow the shadow column
     */
    public SwapColumn {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
        requireNonNull(shadow, "shadow");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitSwapColumn(this);
    }
}
