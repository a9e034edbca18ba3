package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Adds, in expand, a nullable copy of a column with the column's type and collation, and no default, which a rename
 * keeps equal to the column in both directions until contract. Rollback drops it.
 *
 * @param table the table
 * @param column the column copied
 * @param copy the copy's name
 */
public record CopyColumn(TableName table, Identifier column, Identifier copy) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the column copied
     * @param copy the copy's name
     */
    public CopyColumn {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
        requireNonNull(copy, "copy");
        if (column.equals(copy)) {
            throw new IllegalArgumentException("a copy of " + column.quoted() + " needs another name");
        }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitCopyColumn(this);
    }
}
