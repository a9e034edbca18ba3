package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Renames a table in expand and, in the same transaction, creates an automatically updatable view under the old name,
 * so the old application version keeps reading and writing through it (inserts, updates, deletes, {@code RETURNING},
 * {@code ON CONFLICT}, the table's defaults). A view cannot take {@code COPY ... FROM}. Rolled back by dropping the
 * view and renaming the table back, again in one transaction; a {@link DropView} step drops the view at contract.
 *
 * @param table the table's current name
 * @param newName its new name, in the same schema
 */
public record RenameTable(TableName table, Identifier newName) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param newName the new name
     */
    public RenameTable {
        requireNonNull(table, "table");
        requireNonNull(newName, "newName");
    }

    /** {@return the table under its new name} */
    public TableName renamed() {
        return new TableName(table.schema(), newName);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitRenameTable(this);
    }
}
