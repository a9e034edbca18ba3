package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.util.HashSet;
import java.util.List;

/**
 * What a table constraint checks. Implementations are immutable records.
 *
 * <p>Java 17 has no exhaustive switch over sealed types; use {@link #accept}.
 */
public sealed interface ConstraintDefinition
        permits ConstraintDefinition.Check,
                ConstraintDefinition.ForeignKey,
                ConstraintDefinition.Unique,
                ConstraintDefinition.PrimaryKey {

    /**
     * {@return the result of the visitor's method for this kind of constraint}
     *
     * @param visitor the visitor
     * @param <R> the result type
     */
    <R> R accept(Visitor<R> visitor);

    /**
     * A {@code CHECK} constraint.
     *
     * @param condition the condition every row satisfies (NULL passes, as in SQL)
     */
    record Check(SqlExpression condition) implements ConstraintDefinition {
        /**
         * Checks the component.
         *
         * @param condition the condition
         */
        public Check {
            requireNonNull(condition, "condition");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitCheck(this);
        }
    }

    /**
     * A foreign key.
     *
     * @param columns the referencing columns
     * @param referencedTable the referenced table
     * @param referencedColumns its columns, with a primary key or unique constraint over exactly them
     * @param onDelete what deleting a referenced row does
     * @param onUpdate what updating a referenced key does
     */
    record ForeignKey(
            List<Identifier> columns,
            TableName referencedTable,
            List<Identifier> referencedColumns,
            ReferentialAction onDelete,
            ReferentialAction onUpdate)
            implements ConstraintDefinition {
        /**
         * Checks the components.
         *
         * @param columns referencing columns
         * @param referencedTable referenced table
         * @param referencedColumns referenced columns
         * @param onDelete on delete
         * @param onUpdate on update
         * @throws IllegalArgumentException if a column list is empty, repeats a column, or the two differ in length
         */
        public ForeignKey {
            columns = List.copyOf(columns);
            requireNonNull(referencedTable, "referencedTable");
            referencedColumns = List.copyOf(referencedColumns);
            requireNonNull(onDelete, "onDelete");
            requireNonNull(onUpdate, "onUpdate");
            Checks.argument(!columns.isEmpty(), "a foreign key needs at least one column");
            Checks.argument(
                    columns.size() == referencedColumns.size(),
                    "a foreign key has as many referenced columns as columns: %s references %s",
                    columns,
                    referencedColumns);
            Checks.argument(new HashSet<>(columns).size() == columns.size(), "foreign key columns repeat: %s", columns);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitForeignKey(this);
        }
    }

    /**
     * A unique constraint, attached to a unique index of the same name built concurrently.
     *
     * @param columns the columns whose values are unique together
     */
    record Unique(List<Identifier> columns) implements ConstraintDefinition {
        /**
         * Checks the component.
         *
         * @param columns the columns
         * @throws IllegalArgumentException if empty or repeating
         */
        public Unique {
            columns = List.copyOf(columns);
            Checks.argument(!columns.isEmpty(), "a unique constraint needs at least one column");
            Checks.argument(new HashSet<>(columns).size() == columns.size(), "unique columns repeat: %s", columns);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitUnique(this);
        }
    }

    /**
     * A primary key, attached to a unique index of the same name built concurrently; its columns are made {@code NOT
     * NULL} without a scan, by the validated checks named here.
     *
     * @param columns the key's columns
     * @param notNullChecks per column, in order, the validated {@code CHECK (column IS NOT NULL)} that proves it
     */
    record PrimaryKey(List<Identifier> columns, List<Identifier> notNullChecks) implements ConstraintDefinition {
        /**
         * Checks the components.
         *
         * @param columns the columns
         * @param notNullChecks the checks
         * @throws IllegalArgumentException if empty, repeating, or the lists differ in length
         */
        public PrimaryKey {
            columns = List.copyOf(columns);
            notNullChecks = List.copyOf(notNullChecks);
            Checks.argument(!columns.isEmpty(), "a primary key needs at least one column");
            Checks.argument(new HashSet<>(columns).size() == columns.size(), "primary key columns repeat: %s", columns);
            Checks.argument(columns.size() == notNullChecks.size(), "one NOT NULL check per primary key column");
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.visitPrimaryKey(this);
        }
    }

    /**
     * A function over the kinds of constraint.
     *
     * @param <R> the result type
     */
    interface Visitor<R> {
        /**
         * {@return the result for a check}
         *
         * @param c the constraint
         */
        R visitCheck(Check c);

        /**
         * {@return the result for a foreign key}
         *
         * @param c the constraint
         */
        R visitForeignKey(ForeignKey c);

        /**
         * {@return the result for a unique constraint}
         *
         * @param c the constraint
         */
        R visitUnique(Unique c);

        /**
         * {@return the result for a primary key}
         *
         * @param c the constraint
         */
        R visitPrimaryKey(PrimaryKey c);
    }
}
