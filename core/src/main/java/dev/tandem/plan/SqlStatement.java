package dev.tandem.plan;

import static java.util.Objects.requireNonNull;

import dev.tandem.internal.SqlText;
import dev.tandem.internal.TransactionBlock;

/**
 * One complete SQL statement written by the plan's author, for raw-SQL steps. It runs verbatim; see {@link RawSql}.
 * A single trailing {@code ;} is allowed; several statements are not, so that each runs in its own short, retried
 * transaction and can be shown with its lock in a plan's explanation. A {@code ;} inside a literal, a comment,
 * parentheses or a {@code BEGIN ATOMIC} function body does not separate statements.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param sql the statement text, without a trailing semicolon
 */
public record SqlStatement(String sql) {

    /**
     * Checks the text.
     *
     * @param sql the statement text
     * @throws IllegalArgumentException if the text is blank, holds more than one statement, or contains NUL
     */
    public SqlStatement {
        requireNonNull(sql, "sql");
        sql = SqlText.stripTrailingSemicolon(sql);
        SqlText.checkFragment(sql, "statement", true);
    }

    /**
     * {@return a statement whose text is trusted and run verbatim}
     *
     * <p><b>Never build {@code sql} from user input.</b> It is not escaped.
     *
     * @param sql the statement, for example {@code CREATE EXTENSION IF NOT EXISTS pg_trgm}
     * @throws IllegalArgumentException if the text is blank, holds more than one statement, or contains NUL
     */
    @RawSql
    public static SqlStatement trusted(String sql) {
        return new SqlStatement(sql);
    }

    /**
     * {@return whether PostgreSQL refuses to run this statement inside a transaction block}
     *
     * <p>Decided on the statement's tokens, not its text: {@code CREATE INDEX CONCURRENTLY}, {@code DROP INDEX
     * CONCURRENTLY}, {@code REINDEX ... CONCURRENTLY}, {@code REINDEX SCHEMA|DATABASE|SYSTEM}, {@code ALTER TABLE ...
     * DETACH PARTITION ... CONCURRENTLY}, {@code VACUUM}, {@code CLUSTER} without a table, {@code CREATE|DROP
     * DATABASE}, {@code CREATE|DROP TABLESPACE}, {@code ALTER SYSTEM} and a few more. A comment or a string that
     * mentions {@code CONCURRENTLY} does not count.
     */
    public boolean requiresNoTransaction() {
        return TransactionBlock.refuses(sql);
    }

    @Override
    public String toString() {
        return sql;
    }
}
