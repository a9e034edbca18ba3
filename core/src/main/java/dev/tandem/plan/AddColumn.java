package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Adds a nullable column without a default: a catalog-only change that takes a brief ACCESS EXCLUSIVE lock and never
 * rewrites the table. Rolled back by dropping the column.
 *
 * @param table the table
 * @param column the new column
 * @param type its data type
 */
public record AddColumn(TableName table, Identifier column, ColumnType type) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the new column
     * @param type its data type
     */
    public AddColumn {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
        requireNonNull(type, "type");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitAddColumn(this);
    }
}
