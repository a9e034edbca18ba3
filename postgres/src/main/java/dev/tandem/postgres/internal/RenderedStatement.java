package dev.tandem.postgres.internal;

import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import org.jspecify.annotations.Nullable;

/**
 * One generated statement and what it does to its table. SQL only, never bind values.
 *
 * @param sql the statement
 * @param lock the strongest table lock it takes
 * @param relation the table it locks, or {@code null}
 * @param rewrites whether it rewrites the table
 * @param scans whether it reads the whole table under its lock
 * @param note a remark for explain output, or empty
 */
public record RenderedStatement(
        String sql, LockMode lock, @Nullable TableName relation, boolean rewrites, boolean scans, String note) {

    public static RenderedStatement of(String sql, LockMode lock, @Nullable TableName relation) {
        return new RenderedStatement(sql, lock, relation, false, false, "");
    }

    public static RenderedStatement unlocked(String sql) {
        return new RenderedStatement(sql, LockMode.NONE, null, false, false, "");
    }
}
