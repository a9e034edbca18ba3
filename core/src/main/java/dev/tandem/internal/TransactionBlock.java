package dev.tandem.internal;

import dev.tandem.internal.SqlTokens.Cursor;
import java.util.Map;

/**
 * Which statements PostgreSQL refuses to run inside a transaction block ({@code PreventInTransactionBlock} in the
 * server), decided on the statement's tokens so that a comment or a literal mentioning {@code CONCURRENTLY} changes
 * nothing.
 */
public final class TransactionBlock {
    private TransactionBlock() {}

    /**
     * {@return whether PostgreSQL refuses to run {@code sql} inside a transaction block}
     *
     * <p>These are {@code CREATE INDEX CONCURRENTLY}, {@code DROP INDEX CONCURRENTLY}, {@code REINDEX ... CONCURRENTLY},
     * {@code REINDEX SCHEMA|DATABASE|SYSTEM}, {@code ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY}, {@code VACUUM},
     * {@code CLUSTER} of every table, {@code CREATE|DROP DATABASE}, {@code ALTER DATABASE ... SET TABLESPACE},
     * {@code CREATE|DROP TABLESPACE}, {@code ALTER SYSTEM}, the subscription commands that create, drop or refresh a
     * replication slot, {@code COMMIT|ROLLBACK PREPARED} and {@code DISCARD ALL}. {@code REFRESH MATERIALIZED VIEW
     * CONCURRENTLY} may run in a transaction.
     *
     * @param sql one statement
     */
    public static boolean refuses(String sql) {
        Cursor c = new Cursor(SqlTokens.code(sql));
        if (c.accept("CREATE")) {
            c.accept("UNIQUE");
            if (c.accept("INDEX")) {
                return c.at("CONCURRENTLY");
            }
            return c.atAny("DATABASE", "TABLESPACE", "SUBSCRIPTION");
        }
        if (c.accept("DROP")) {
            if (c.accept("INDEX")) {
                return c.at("CONCURRENTLY");
            }
            return c.atAny("DATABASE", "TABLESPACE", "SUBSCRIPTION");
        }
        if (c.accept("REINDEX")) {
            return reindexRefuses(c);
        }
        if (c.accept("ALTER")) {
            if (c.accept("TABLE")) {
                int detach = c.find(0, "DETACH", "PARTITION");
                return detach >= 0
                        && c.rest().subList(detach, c.rest().size()).stream()
                                .anyMatch(t -> t.depth() == 0 && t.is("CONCURRENTLY"));
            }
            if (c.accept("DATABASE")) {
                return c.find(0, "SET", "TABLESPACE") >= 0;
            }
            if (c.accept("SUBSCRIPTION")) {
                return c.find(0, "PUBLICATION") >= 0;
            }
            return c.at("SYSTEM");
        }
        if (c.accept("CLUSTER")) {
            // CLUSTER without a table clusters every table, one transaction each
            c.options();
            c.accept("VERBOSE");
            return c.atEnd();
        }
        return c.at("VACUUM") || c.at("COMMIT", "PREPARED") || c.at("ROLLBACK", "PREPARED") || c.at("DISCARD", "ALL");
    }

    /**
     * {@return whether a {@code REINDEX} rebuilds concurrently}
     *
     * @param afterReindex a cursor just after the {@code REINDEX} keyword; it is moved past the options and the kind
     */
    public static boolean reindexConcurrently(Cursor afterReindex) {
        Map<String, String> options = afterReindex.options();
        afterReindex.skip();
        return SqlTokens.enabled(options, "concurrently") || afterReindex.accept("CONCURRENTLY");
    }

    private static boolean reindexRefuses(Cursor c) {
        int start = c.position();
        boolean concurrently = reindexConcurrently(c);
        c.reset(start);
        c.options();
        return concurrently || c.atAny("SCHEMA", "DATABASE", "SYSTEM");
    }
}
