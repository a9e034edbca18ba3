package dev.tandem.testkit;

import dev.tandem.testkit.database.PostgresSource;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against a real PostgreSQL: the class gets its own fresh database, dropped after its last test, and
 * its test methods (and lifecycle methods) may take these parameters:
 *
 * <ul>
 *   <li>{@link javax.sql.DataSource}: the class's database (a HikariCP pool);
 *   <li>{@link dev.tandem.testkit.database.TestDatabase}: the same database, for more pools or its name;
 *   <li>{@link dev.tandem.testkit.database.PostgresServer}: the server, for more databases;
 *   <li>{@link dev.tandem.postgres.PostgresMigrator}: a migrator on the class's database, attached to the test's
 *       {@link LockRecorder};
 *   <li>{@link LockRecorder}: one per test method, recording every unit the injected migrator runs;
 *   <li>{@link CompatibilityHarness}: a harness creating its fresh databases on the same server.
 * </ul>
 *
 * <p>The server comes, in this order, from an existing server ({@code TANDEM_TEST_JDBC_URL}), a Testcontainers
 * container when {@code tandem.postgres.source=testcontainers} and a Docker engine answers, else an embedded
 * PostgreSQL (see {@link dev.tandem.testkit.database.TestPostgresConfig#fromEnvironment()}). If the configured source
 * cannot provide one, every test of the class fails with a message saying what was tried and what to set; nothing is
 * skipped silently. After each passing test the extension fails the test if it left connections of the class's pool
 * open or advisory locks held.
 *
 * <p>Tagged {@code postgres}, so that a build can include or exclude these tests. For a configuration in code, use
 * {@link TandemExtension#create()} with {@code @RegisterExtension} instead of this annotation.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(TandemExtension.class)
@Tag("postgres")
public @interface TandemTest {
    /**
     * {@return the PostgreSQL major version for an embedded or container server, such as 14 or 17} The default, 0,
     * takes it from {@code tandem.postgres.version} ({@code TANDEM_POSTGRES_VERSION}), else 17. An existing server is
     * used with whatever version it runs.
     */
    int postgres() default 0;

    /**
     * {@return where the server comes from} The default, {@link PostgresSource#AUTO}, leaves the choice to {@code
     * tandem.postgres.source} ({@code TANDEM_POSTGRES_SOURCE}), which itself defaults to an existing server if {@code
     * TANDEM_TEST_JDBC_URL} is set and embedded PostgreSQL otherwise.
     */
    PostgresSource source() default PostgresSource.AUTO;
}
