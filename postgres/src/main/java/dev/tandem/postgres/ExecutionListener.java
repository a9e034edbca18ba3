package dev.tandem.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Observes the executor's units of DDL work as they run: the hook the test kit's lock recorder uses to read, from
 * PostgreSQL itself, which locks a step really takes, and its compatibility harness uses to run the application
 * versions between two units. Register one with {@link PostgresOptions#withListener}.
 *
 * <p>Callbacks run on the executor's thread, on its connection. {@link #beforeCommit} runs inside the unit's
 * transaction, after its statements and before the commit, so {@code pg_locks} still shows every lock the unit took.
 * {@link #afterUnit} runs once the unit committed, and {@link #beforeUnit} before the next one starts: at both, the
 * executor's connection is outside any transaction and holds none of the units' locks, so the listener may use the
 * database from connections of its own (the executor waits meanwhile). A callback must not commit, roll back or change
 * the connection's settings; an exception it throws fails the unit. Implementations must be thread-safe if one
 * migrator is used from several threads.
 */
public interface ExecutionListener {

    /** A listener that does nothing. */
    ExecutionListener NONE = new ExecutionListener() {};

    /**
     * {@return a listener that calls each of {@code listeners} in order}
     *
     * @param listeners the listeners
     */
    static ExecutionListener compose(ExecutionListener... listeners) {
        List<ExecutionListener> all = List.of(listeners);
        return new ExecutionListener() {
            @Override
            public void beforeUnit(Unit unit, Connection connection) throws SQLException {
                for (ExecutionListener l : all) {
                    l.beforeUnit(unit, connection);
                }
            }

            @Override
            public void beforeCommit(Unit unit, Connection connection) throws SQLException {
                for (ExecutionListener l : all) {
                    l.beforeCommit(unit, connection);
                }
            }

            @Override
            public void afterUnit(Unit unit, Duration took) {
                for (ExecutionListener l : all) {
                    l.afterUnit(unit, took);
                }
            }

            @Override
            public void attemptFailed(Unit unit, SQLException error) {
                for (ExecutionListener l : all) {
                    l.attemptFailed(unit, error);
                }
            }
        };
    }

    /**
     * A unit of work: statements that run together, in one transaction unless {@code transactional} is false.
     *
     * @param planId the plan's id
     * @param phase {@code expand}, {@code contract} or {@code rollback}
     * @param stepIds the steps the unit completes
     * @param statements the SQL of its statements, in order
     * @param transactional whether it runs in one transaction
     * @param relation the table it locks, as PostgreSQL shows it, or empty
     * @param lockMode the lock the renderer expects it to take
     */
    record Unit(
            String planId,
            String phase,
            List<String> stepIds,
            List<String> statements,
            boolean transactional,
            String relation,
            LockMode lockMode) {

        /**
         * Copies the lists.
         *
         * @param planId plan id
         * @param phase phase
         * @param stepIds step ids
         * @param statements statements
         * @param transactional transactional
         * @param relation relation
         * @param lockMode lock mode
         */
        public Unit {
            stepIds = List.copyOf(stepIds);
            statements = List.copyOf(statements);
        }
    }

    /**
     * Called before each attempt of a unit, on the executor's connection, outside any transaction.
     *
     * @param unit the unit
     * @param connection the executor's connection
     * @throws SQLException to fail the unit
     */
    default void beforeUnit(Unit unit, Connection connection) throws SQLException {}

    /**
     * Called inside a transactional unit's transaction after its statements, before commit.
     *
     * @param unit the unit
     * @param connection the executor's connection, with the transaction open
     * @throws SQLException to fail the unit
     */
    default void beforeCommit(Unit unit, Connection connection) throws SQLException {}

    /**
     * Called after an attempt of a unit failed and was rolled back: a lock timeout about to be retried, or a failure
     * about to be thrown.
     *
     * @param unit the unit
     * @param error the failure
     */
    default void attemptFailed(Unit unit, SQLException error) {}

    /**
     * Called after a unit succeeded: after the commit of a transactional unit, and after its steps were marked done, so
     * the unit's changes are visible to other sessions and its locks are released.
     *
     * @param unit the unit
     * @param took how long its successful attempt took
     */
    default void afterUnit(Unit unit, Duration took) {}
}
