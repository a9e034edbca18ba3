package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import org.jspecify.annotations.Nullable;

/**
 * One column as the catalog describes it.
 *
 * @param name the column
 * @param baseType its type without modifier ({@code character varying}), for comparisons that must not truncate
 * @param fullType its type with modifier ({@code character varying(255)})
 * @param notNull whether it is {@code NOT NULL}
 * @param defaultSql its default expression as PostgreSQL prints it with {@code search_path = pg_catalog} (every name
 *     outside {@code pg_catalog} qualified), or {@code null} without a default
 * @param defaultVolatile whether the default calls a volatile function ({@code nextval}, {@code random}, ...), so a
 *     value it produced cannot be recognised by recomputing it
 * @param identity {@code 'a'} (always), {@code 'd'} (by default) or {@code ' '} (not an identity column)
 * @param generated {@code 's'} for a stored generated column, {@code ' '} otherwise
 * @param collation its collation, schema-qualified and quoted, when it is not its type's default; else {@code null}
 */
public record ColumnFacts(
        Identifier name,
        String baseType,
        String fullType,
        boolean notNull,
        @Nullable String defaultSql,
        boolean defaultVolatile,
        char identity,
        char generated,
        @Nullable String collation) {

    /** {@return whether a writer may leave the column out and still get a value: a default or an identity} */
    public boolean hasDefault() {
        return defaultSql != null || identity != ' ';
    }

    /** {@return whether inserts get a value that cannot be recomputed to recognise it (volatile default, identity)} */
    public boolean unrecognisableDefault() {
        return identity != ' ' || (defaultSql != null && defaultVolatile);
    }

    /** {@return whether a statement may assign the column: not generated, not an identity {@code ALWAYS}} */
    public boolean assignable() {
        return generated == ' ' && identity != 'a';
    }

    /**
     * {@return a plain column without default, for tests and for columns the plan is about to add}
     *
     * @param name the column
     * @param baseType its type without modifier
     * @param fullType its type with modifier
     */
    public static ColumnFacts plain(Identifier name, String baseType, String fullType) {
        return new ColumnFacts(name, baseType, fullType, false, null, false, ' ', ' ', null);
    }
}
