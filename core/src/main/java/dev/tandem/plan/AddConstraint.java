package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Adds a named constraint in its safe form, under a brief lock and without a scan: a {@code CHECK} or a foreign key
 * {@code NOT VALID} (new writes are checked at once; a {@link ValidateConstraint} step checks the rows that existed),
 * a unique constraint {@code USING INDEX} of the unique index of the same name that a {@link CreateIndex} step built
 * concurrently just before. Rolled back by dropping it.
 *
 * @param table the table
 * @param name the constraint name
 * @param definition what it checks
 */
public record AddConstraint(TableName table, Identifier name, ConstraintDefinition definition) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param name the name
     * @param definition the definition
     */
    public AddConstraint {
        requireNonNull(table, "table");
        requireNonNull(name, "name");
        requireNonNull(definition, "definition");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitAddConstraint(this);
    }
}
