package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Drops a column: a catalog-only change (no rewrite) under a brief ACCESS EXCLUSIVE lock. Only ever part of the
 * contract phase, once no running application version uses the column.
 *
 * @param table the table
 * @param column the column to drop
 */
public record DropColumn(TableName table, Identifier column) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the column to drop
     */
    public DropColumn {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitDropColumn(this);
    }
}
