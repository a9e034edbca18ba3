package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Finishes a column rename at contract, in the same short transaction that drops the sync trigger: the copy the new
 * application version used (named {@code newName}, with its indexes) is dropped, and the column is renamed to
 * {@code newName}, catalog-only. The column keeps its place, type, default, sequence or identity, {@code NOT NULL},
 * indexes, primary key, constraints, foreign keys in and out, views, grants and statistics: a rename changes none of
 * them.
 *
 * @param table the table
 * @param column the column's current name
 * @param newName its new name, which its copy has until contract
 */
public record RenameColumn(TableName table, Identifier column, Identifier newName) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param column the column's current name
     * @param newName its new name
     */
    public RenameColumn {
        requireNonNull(table, "table");
        requireNonNull(column, "column");
        requireNonNull(newName, "newName");
        if (column.equals(newName)) {
            throw new IllegalArgumentException("renames " + column.quoted() + " to its own name");
        }
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitRenameColumn(this);
    }
}
