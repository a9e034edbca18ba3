package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

/**
 * One assignment of a sync rule: {@code column} receives the value of {@code expression}, evaluated over the other
 * representation's columns of the same row.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param column the column that receives the value
 * @param expression the expression computing it; see {@link SqlExpression#trusted}
 */
public record ColumnMapping(Identifier column, SqlExpression expression) {

    /**
     * Checks the components.
     *
     * @param column the receiving column
     * @param expression the expression
     */
    public ColumnMapping {
        requireNonNull(column, "column");
        requireNonNull(expression, "expression");
    }
}
