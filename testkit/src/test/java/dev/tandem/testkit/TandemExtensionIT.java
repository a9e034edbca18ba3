package dev.tandem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.testkit.database.PostgresServer;
import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.PostgresSource;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.testcontainers.DockerClientFactory;

/**
 * Runs small test classes through the JUnit engine to check what the extension does: where the server comes from,
 * what it injects, and how it fails.
 */
class TandemExtensionIT {
    /** What each sample saw, by sample class name. */
    static final Map<String, Seen> SEEN = new ConcurrentHashMap<>();

    record Seen(PostgresSource source, int majorVersion, String database, String description) {}

    @Test
    void jdbcUrlSet_testsUseThatServer() {
        PostgresServer embedded =
                PostgresServers.shared(TestPostgresConfig.defaults().withSource(PostgresSource.EMBEDDED));
        String user;
        String password;
        try (TestDatabase probe = embedded.createDatabase("credentials")) {
            user = probe.user();
            password = probe.password();
        }

        EngineExecutionResults results = withProperties(
                Map.of(
                        TestPostgresConfig.JDBC_URL_PROPERTY,
                        embedded.jdbcUrl(),
                        TestPostgresConfig.JDBC_USER_PROPERTY,
                        user,
                        TestPostgresConfig.JDBC_PASSWORD_PROPERTY,
                        password == null ? "" : password,
                        TestPostgresConfig.SOURCE_PROPERTY,
                        "auto"),
                InjectionSample.class);

        assertThat(results.testEvents().succeeded().count())
                .as(describe(results))
                .isEqualTo(1);
        Seen seen = Objects.requireNonNull(SEEN.get(InjectionSample.class.getSimpleName()));
        assertThat(seen.source()).isEqualTo(PostgresSource.EXTERNAL);
        assertThat(seen.description()).startsWith("external server " + embedded.jdbcUrl());
        assertThat(seen.database()).startsWith("injection_sample_");
    }

    @Test
    void badJdbcUrl_failsSayingWhatWasTriedAndWhatToSet() {
        EngineExecutionResults results = withProperties(
                Map.of(
                        TestPostgresConfig.JDBC_URL_PROPERTY, "jdbc:postgresql://127.0.0.1:1/nowhere",
                        TestPostgresConfig.SOURCE_PROPERTY, "auto"),
                InjectionSample.class);

        assertThat(results.testEvents().skipped().count()).isZero();
        assertThat(results.testEvents().succeeded().count()).isZero();
        Throwable failure = onlyFailure(results);
        assertThat(failure)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith(
                        "@TandemTest " + InjectionSample.class.getName() + ": no PostgreSQL for the"
                                + " test class; tried the existing server at TANDEM_TEST_JDBC_URL (TestPostgresConfig[source=AUTO,")
                .hasMessageContaining("Could not connect to the external PostgreSQL server"
                        + " jdbc:postgresql://127.0.0.1:1/nowhere: SQLState 08001")
                .hasMessageContaining("Set TANDEM_TEST_JDBC_URL (or tandem.test.jdbc.url)")
                .hasMessageContaining("or unset TANDEM_TEST_JDBC_URL to use embedded PostgreSQL");
    }

    @Test
    void neitherUrlNorSource_usesEmbeddedPostgres() {
        EngineExecutionResults results = run(RegisteredDefaultsSample.class);

        assertThat(results.testEvents().succeeded().count())
                .as(describe(results))
                .isEqualTo(1);
        Seen seen = Objects.requireNonNull(SEEN.get(RegisteredDefaultsSample.class.getSimpleName()));
        assertThat(seen.source()).isEqualTo(PostgresSource.EMBEDDED);
        assertThat(seen.majorVersion()).isEqualTo(TestPostgresConfig.DEFAULT_MAJOR_VERSION);
    }

    @Test
    void postgresAttribute_selectsTheMajorVersion() {
        EngineExecutionResults results = run(Postgres14Sample.class);

        assertThat(results.testEvents().succeeded().count())
                .as(describe(results))
                .isEqualTo(1);
        Seen seen = Objects.requireNonNull(SEEN.get(Postgres14Sample.class.getSimpleName()));
        assertThat(seen.source()).isEqualTo(PostgresSource.EMBEDDED);
        assertThat(seen.majorVersion()).isEqualTo(14);
    }

    @Test
    void testcontainersWithDocker_testsUseAContainer() {
        assumeThat(DockerClientFactory.instance().isDockerAvailable())
                .as("this test needs a Docker engine")
                .isTrue();

        EngineExecutionResults results = run(ContainerSample.class);

        assertThat(results.testEvents().succeeded().count())
                .as(describe(results))
                .isEqualTo(1);
        Seen seen = Objects.requireNonNull(SEEN.get(ContainerSample.class.getSimpleName()));
        assertThat(seen.source()).isEqualTo(PostgresSource.TESTCONTAINERS);
        assertThat(seen.description()).startsWith("Testcontainers PostgreSQL 16.");
    }

    @Test
    void testcontainersWithoutDocker_failsSayingWhatToSet() {
        assumeThat(DockerClientFactory.instance().isDockerAvailable())
                .as("this test needs a machine without a Docker engine")
                .isFalse();

        EngineExecutionResults results = run(ContainerSample.class);

        assertThat(results.testEvents().skipped().count()).isZero();
        assertThat(onlyFailure(results))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@TandemTest " + ContainerSample.class.getName() + ": no PostgreSQL for the"
                        + " test class; tried a Testcontainers PostgreSQL 16 container (")
                .hasMessageEndingWith("PostgreSQL from Testcontainers was asked for via"
                        + " tandem.postgres.source=testcontainers, but no Docker engine answered"
                        + " (DockerClientFactory.isDockerAvailable() is false). Start a Docker engine, or set"
                        + " tandem.postgres.source=embedded (or unset it) to use embedded PostgreSQL.");
    }

    @Test
    void leakedConnection_failsTheTest() {
        EngineExecutionResults results = run(LeakingSample.class);

        assertThat(onlyFailure(results))
                .isInstanceOf(AssertionError.class)
                .hasMessage(
                        "Test leaks(DataSource) left 1 connection of the test database's pool still in use: close every"
                                + " Connection from the DataSource (try-with-resources).");
    }

    @Test
    void heldAdvisoryLock_failsTheTest() {
        EngineExecutionResults results = run(AdvisoryLockSample.class);

        assertThat(onlyFailure(results))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Test locks(DataSource) left advisory locks still held (key 0/42 held by pid ")
                .hasMessageEndingWith("): release them with pg_advisory_unlock, or end the session that holds them.");
    }

    // ------------------------------------------------------------------------------------------------ samples

    @TandemTest
    static class InjectionSample {
        @Test
        void injects(
                DataSource ds,
                TestDatabase database,
                PostgresServer server,
                PostgresMigrator migrator,
                LockRecorder recorder,
                CompatibilityHarness harness)
                throws SQLException {
            assertThat(database.dataSource()).isSameAs(ds);
            assertThat(migrator).isNotNull();
            assertThat(recorder.units()).isEmpty();
            assertThat(harness.options()).isNotNull();
            assertThat(currentDatabase(ds)).isEqualTo(database.name());
            record(getClass(), server, database);
        }
    }

    static class RegisteredDefaultsSample {
        @RegisterExtension
        static final TandemExtension TANDEM = TandemExtension.create().withConfig(TestPostgresConfig.defaults());

        @Test
        void runs(PostgresServer server, TestDatabase database) {
            record(getClass(), server, database);
        }
    }

    @TandemTest(postgres = 14, source = PostgresSource.EMBEDDED)
    static class Postgres14Sample {
        @Test
        void runs(PostgresServer server, TestDatabase database) {
            record(getClass(), server, database);
        }
    }

    @TandemTest(postgres = 16, source = PostgresSource.TESTCONTAINERS)
    static class ContainerSample {
        @Test
        void runs(PostgresServer server, TestDatabase database) {
            record(getClass(), server, database);
        }
    }

    @TandemTest
    static class LeakingSample {
        static volatile @Nullable Connection leaked;

        @Test
        void leaks(DataSource ds) throws SQLException {
            leaked = ds.getConnection();
        }

        @AfterAll
        static void closeLeaked() {
            Connection c = leaked;
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @TandemTest
    static class AdvisoryLockSample {
        @Test
        void locks(DataSource ds) throws SQLException {
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_lock(42)");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static void record(Class<?> sample, PostgresServer server, TestDatabase database) {
        SEEN.put(
                sample.getSimpleName(),
                new Seen(server.source(), server.majorVersion(), database.name(), server.description()));
    }

    static String currentDatabase(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static EngineExecutionResults run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(sample))
                .execute();
    }

    /** Runs a sample with system properties set, as a user's build would set them, and restores them afterwards. */
    private static synchronized EngineExecutionResults withProperties(Map<String, String> properties, Class<?> sample) {
        Map<String, @Nullable String> previous = new java.util.HashMap<>();
        properties.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        try {
            return run(sample);
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    private static Throwable onlyFailure(EngineExecutionResults results) {
        List<Throwable> failures = results.allEvents().failed().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable))
                .flatMap(java.util.Optional::stream)
                .toList();
        assertThat(failures).as(describe(results)).hasSize(1);
        return failures.get(0);
    }

    private static String describe(EngineExecutionResults results) {
        StringBuilder out = new StringBuilder("events:");
        for (Event e : results.allEvents().list()) {
            out.append("\n  ").append(e);
        }
        return out.toString();
    }
}
