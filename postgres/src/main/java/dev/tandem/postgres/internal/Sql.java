package dev.tandem.postgres.internal;

import dev.tandem.plan.Identifier;
import dev.tandem.plan.TableName;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Quoting for generated SQL. Every identifier goes through {@link #ident}, every inlined string through {@link
 * #literal}; both assume {@code standard_conforming_strings = on}, which the executor checks when it connects.
 */
public final class Sql {
    private Sql() {}

    /**
     * {@return the identifier in double quotes, embedded quotes doubled}
     *
     * @param id the identifier
     */
    public static String ident(Identifier id) {
        return id.quoted();
    }

    /**
     * {@return the name in double quotes, embedded quotes doubled}
     *
     * @param name a name
     */
    public static String ident(String name) {
        return Identifier.of(name).quoted();
    }

    /**
     * {@return the schema-qualified, quoted table name}
     *
     * @param table a table whose schema is set
     * @throws IllegalStateException if the table has no schema
     */
    public static String table(TableName table) {
        if (table.schema() == null) {
            throw new IllegalStateException("table must be qualified before rendering: " + table);
        }
        return table.quoted();
    }

    /**
     * {@return {@code value} as a string literal: single quotes, embedded quotes doubled}
     *
     * @param value the value, without NUL characters
     * @throws IllegalArgumentException if the value contains NUL
     */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a SQL literal cannot contain NUL");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }

    /**
     * {@return {@code body} in dollar quotes whose tag does not occur in it ({@code $tandem$}, or {@code $tandem1$},
     * ...), so no identifier or expression inside can end the quoted text early}
     *
     * @param body a function body
     */
    public static String dollarQuoted(String body) {
        String tag = "$tandem$";
        for (int n = 1; body.contains(tag); n++) {
            tag = "$tandem" + n + "$";
        }
        // newlines around the body: no part of it can run together with the tags
        return tag + "\n" + body + (body.endsWith("\n") ? "" : "\n") + tag;
    }

    /**
     * {@return the identifiers quoted and joined with {@code ", "}}
     *
     * @param ids identifiers
     */
    public static String idents(List<Identifier> ids) {
        return ids.stream().map(Identifier::quoted).collect(Collectors.joining(", "));
    }
}
