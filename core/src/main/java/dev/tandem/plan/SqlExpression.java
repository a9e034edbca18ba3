package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.SqlText;

/**
 * A SQL value expression written by the plan's author, such as {@code trim(split_part(address, ',', 2))}. Column
 * names in it refer to columns of the table the operation works on, unqualified.
 *
 * <p>The text is inserted into generated SQL verbatim; see {@link RawSql}. Because it is embedded in larger statements
 * and in trigger functions, it must be a single expression: a statement separator ({@code ;}) or a line comment
 * ({@code --}) outside quotes is rejected.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param sql the expression text
 */
public record SqlExpression(String sql) {

    /**
     * Checks the text.
     *
     * @param sql the expression text
     * @throws IllegalArgumentException if the text is blank, or contains {@code ;}, {@code --} or NUL outside quotes
     */
    public SqlExpression {
        requireNonNull(sql, "sql");
        SqlText.checkFragment(sql, "expression", false);
    }

    /**
     * {@return an expression whose text is trusted and inserted verbatim}
     *
     * <p><b>Never build {@code sql} from user input.</b> It is not escaped.
     *
     * @param sql the expression, for example {@code lower(email)}
     * @throws IllegalArgumentException if the text is blank, or contains {@code ;}, {@code --} or NUL outside quotes
     */
    @RawSql
    public static SqlExpression trusted(String sql) {
        return new SqlExpression(sql);
    }

    @Override
    public String toString() {
        return sql;
    }
}
