package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * Validates a {@code NOT VALID} constraint: scans the table under SHARE UPDATE EXCLUSIVE, so reads and writes go on.
 * Fails, and changes nothing, while a row violates it.
 *
 * @param table the table
 * @param name the constraint
 */
public record ValidateConstraint(TableName table, Identifier name) implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param name the constraint
     */
    public ValidateConstraint {
        requireNonNull(table, "table");
        requireNonNull(name, "name");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitValidateConstraint(this);
    }
}
