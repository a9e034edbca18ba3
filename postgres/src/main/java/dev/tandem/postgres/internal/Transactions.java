package dev.tandem.postgres.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** One explicit transaction on an autocommit connection: committed, or rolled back and rethrown; autocommit after. */
final class Transactions {
    private Transactions() {}

    /**
     * The work of one transaction.
     *
     * @param <T> its result
     */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /** Work of one transaction without a result. */
    @FunctionalInterface
    interface Action {
        void run() throws SQLException;
    }

    /**
     * Runs {@code action} in a transaction of its own on {@code c}, which is in autocommit mode.
     *
     * @param c the connection
     * @param action the work
     * @throws SQLException if the work or the commit fails (the transaction is then rolled back)
     */
    static void run(Connection c, Action action) throws SQLException {
        run(c, () -> {
            action.run();
            return Boolean.TRUE;
        });
    }

    /**
     * Runs {@code work} in a transaction of its own on {@code c}, which is in autocommit mode.
     *
     * @param c the connection
     * @param work the work
     * @param <T> its result
     * @return its result, once committed
     * @throws SQLException if the work or the commit fails (the transaction is then rolled back)
     */
    static <T> T run(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            DdlRunner.rollbackQuietly(c);
            throw e;
        } finally {
            // a dead connection's error here must not replace the failure that killed it
            DdlRunner.autocommitQuietly(c);
        }
    }
}
