package dev.tandem.testkit;

import javax.sql.DataSource;

/**
 * Something a test does against a database: create the old version's schema, load seed data, or one named operation
 * of an {@link AppVersion}. Write it the way the application really talks to the database (plain JDBC, jOOQ, a
 * repository class). Implementations used by the {@linkplain CompatibilityHarness harness} must be thread-safe: during
 * the backfill the old and the new version run on two threads at once.
 */
@FunctionalInterface
public interface DatabaseAction {
    /**
     * Runs the action.
     *
     * @param dataSource connections to the database in the state under test
     * @throws Exception if the action fails; the harness records it as a failure of this action in this state
     */
    void run(DataSource dataSource) throws Exception;
}
