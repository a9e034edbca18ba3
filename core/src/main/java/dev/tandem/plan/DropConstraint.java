package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Drops a constraint in the contract phase, catalog-only under a brief ACCESS EXCLUSIVE lock (a unique or primary key
 * constraint drops its index with it).
 *
 * @param table the table
 * @param name the constraint
 */
public record DropConstraint(TableName table, Identifier name) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param name the constraint
     */
    public DropConstraint {
        requireNonNull(table, "table");
        requireNonNull(name, "name");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitDropConstraint(this);
    }
}
