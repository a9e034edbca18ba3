package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Renames a constraint in expand, catalog-only under a brief ACCESS EXCLUSIVE lock (its index, for a unique or primary
 * key, is renamed with it). Code that recognises a violation by the constraint's name sees the new name from expand on.
 * Rolled back by renaming it back.
 *
 * @param table the table
 * @param name the current name
 * @param newName the new name
 */
public record RenameConstraint(TableName table, Identifier name, Identifier newName) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param name the current name
     * @param newName the new name
     */
    public RenameConstraint {
        requireNonNull(table, "table");
        requireNonNull(name, "name");
        requireNonNull(newName, "newName");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitRenameConstraint(this);
    }
}
