package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One index of a table as the catalog describes it.
 *
 * @param name the index
 * @param unique whether it is unique
 * @param primary whether it backs the primary key
 * @param constraint the name of the PRIMARY KEY, UNIQUE or EXCLUDE constraint it backs, or {@code null}
 * @param columns its key columns; empty entries are not possible, an expression column makes {@code expression} true
 * @param partial whether it has a WHERE clause
 * @param expression whether a key column is an expression
 * @param method its access method ({@code btree}, {@code gin}, ...)
 * @param firstColumnOptions what PostgreSQL prints after the first key column's name: its collation, operator
 *     class and order ({@code  text_pattern_ops DESC}), often empty
 */
public record IndexFacts(
        Identifier name,
        boolean unique,
        boolean primary,
        @Nullable Identifier constraint,
        List<Identifier> columns,
        boolean partial,
        boolean expression,
        String method,
        String firstColumnOptions) {

    /**
     * Copies the list.
     *
     * @param name name
     * @param unique unique
     * @param primary primary
     * @param constraint constraint or null
     * @param columns columns
     * @param partial partial
     * @param expression expression
     * @param method method
     * @param firstColumnOptions first column's options
     */
    public IndexFacts {
        columns = List.copyOf(columns);
    }

    /**
     * {@return whether the index is a plain index of exactly this one column, which a copy can carry over}
     *
     * @param column the column
     */
    public boolean onlyOn(Identifier column) {
        return columns.size() == 1 && columns.get(0).equals(column) && !partial && !expression;
    }
}
