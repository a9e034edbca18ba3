package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.Checks;
import java.util.regex.Pattern;

/**
 * A column's SQL data type, such as {@code varchar(255)}, {@code numeric(12,2)}, {@code timestamp with time zone}
 * or {@code text[]}. Only type syntax is accepted (words, an optional {@code (n)} or {@code (p,s)} modifier and
 * array brackets), so a type can never smuggle other SQL into a statement.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param sql the type as written in DDL
 */
public record ColumnType(String sql) {

    private static final String WORD = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Pattern SYNTAX = Pattern.compile(WORD + "(\\." + WORD + ")?" + "( " + WORD + ")*"
            + "(\\(\\d+(, ?\\d+)?\\))?" + "( " + WORD + ")*" + "(\\[\\d*])*");

    /** {@code text}. */
    public static final ColumnType TEXT = new ColumnType("text");
    /** {@code integer}. */
    public static final ColumnType INTEGER = new ColumnType("integer");
    /** {@code bigint}. */
    public static final ColumnType BIGINT = new ColumnType("bigint");
    /** {@code boolean}. */
    public static final ColumnType BOOLEAN = new ColumnType("boolean");
    /** {@code uuid}. */
    public static final ColumnType UUID = new ColumnType("uuid");
    /** {@code jsonb}. */
    public static final ColumnType JSONB = new ColumnType("jsonb");
    /** {@code timestamp with time zone}. */
    public static final ColumnType TIMESTAMPTZ = new ColumnType("timestamp with time zone");

    /**
     * Checks the syntax.
     *
     * @param sql the type as written in DDL
     * @throws IllegalArgumentException if {@code sql} is not plain type syntax
     */
    public ColumnType {
        requireNonNull(sql, "sql");
        Checks.argument(
                SYNTAX.matcher(sql).matches(),
                "'%s' is not a column type; expected a type name such as text, varchar(255), numeric(12,2) or text[]",
                sql);
    }

    /**
     * {@return the type written as {@code sql}}
     *
     * @param sql the type, for example {@code varchar(100)}
     * @throws IllegalArgumentException if {@code sql} is not plain type syntax
     */
    public static ColumnType of(String sql) {
        return new ColumnType(sql);
    }

    /**
     * {@return {@code varchar(length)}}
     *
     * @param length the maximum length in characters, at least 1
     * @throws IllegalArgumentException if {@code length} is below 1
     */
    public static ColumnType varchar(int length) {
        Checks.argument(length >= 1, "varchar length must be >= 1 but was %s", length);
        return new ColumnType("varchar(" + length + ")");
    }

    /**
     * {@return {@code numeric(precision,scale)}}
     *
     * @param precision total digits, at least 1
     * @param scale digits after the decimal point, between 0 and {@code precision}
     * @throws IllegalArgumentException if the numbers are out of range
     */
    public static ColumnType numeric(int precision, int scale) {
        Checks.argument(
                precision >= 1 && scale >= 0 && scale <= precision,
                "numeric(%s,%s): precision must be >= 1 and scale between 0 and precision",
                precision,
                scale);
        return new ColumnType("numeric(" + precision + "," + scale + ")");
    }

    @Override
    public String toString() {
        return sql;
    }
}
