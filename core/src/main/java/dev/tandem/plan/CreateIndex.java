package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Builds an index with {@code CREATE INDEX CONCURRENTLY}: reads and writes go on while it builds (SHARE UPDATE
 * EXCLUSIVE). An INVALID leftover of a failed build is dropped before the next attempt; a valid index of the same name
 * on the table counts as built. Rolled back with {@code DROP INDEX CONCURRENTLY}.
 *
 * @param table the table
 * @param name the index name (it lives in the table's schema)
 * @param unique whether it is a unique index
 * @param method the access method, such as {@code btree} or {@code gin}
 * @param keys the key columns or expressions, in order; a plain column is its quoted name
 * @param include non-key columns stored in the index ({@code INCLUDE})
 * @param where the predicate of a partial index, or {@code null}
 */
public record CreateIndex(
        TableName table,
        Identifier name,
        boolean unique,
        String method,
        List<SqlExpression> keys,
        List<Identifier> include,
        @Nullable SqlExpression where)
        implements SchemaChange {

    /**
     * Checks the components.
     *
     * @param table the table
     * @param name the index name
     * @param unique unique
     * @param method the access method, letters, digits and underscores
     * @param keys at least one key
     * @param include included columns
     * @param where partial-index predicate, or {@code null}
     * @throws IllegalArgumentException if there is no key or the method is not a plain name
     */
    public CreateIndex {
        requireNonNull(table, "table");
        requireNonNull(name, "name");
        requireNonNull(method, "method");
        keys = List.copyOf(keys);
        include = List.copyOf(include);
        Checks.argument(!keys.isEmpty(), "index %s needs at least one key column or expression", name.quoted());
        Checks.argument(method.matches("[a-z_][a-z0-9_]*"), "index method '%s' is not a plain lower-case name", method);
    }

    /** {@return the partial-index predicate, if there is one} */
    public Optional<SqlExpression> predicate() {
        return Optional.ofNullable(where);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.visitCreateIndex(this);
    }
}
