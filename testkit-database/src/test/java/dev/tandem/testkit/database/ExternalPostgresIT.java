package dev.tandem.testkit.database;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExternalPostgresIT {
    private static final String PLANTED_SECRET = "planted-s3cret-Xq9";

    /** Stands in for an existing server: the external source is pointed at its JDBC URL. */
    private static PostgresServer embedded;

    @BeforeAll
    static void startEmbedded() {
        embedded = PostgresServers.start(TestPostgresConfig.defaults()
                .withSource(PostgresSource.EMBEDDED)
                .withMajorVersion(17));
    }

    @AfterAll
    static void stopEmbedded() {
        embedded.close();
    }

    @Test
    void start_unreachableUrl_failsNamingUrlAndSetting() {
        TestPostgresConfig config = TestPostgresConfig.defaults()
                .withJdbcUrl("jdbc:postgresql://127.0.0.1:1/nope?password=" + PLANTED_SECRET);

        assertThatThrownBy(() -> PostgresServers.start(config))
                .isInstanceOf(PostgresUnavailableException.class)
                .hasMessageStartingWith("Could not connect to the external PostgreSQL server"
                        + " jdbc:postgresql://127.0.0.1:1/nope?password=***: SQLState 08001: ")
                .hasMessageEndingWith(". Set TANDEM_TEST_JDBC_URL (or tandem.test.jdbc.url) and TANDEM_TEST_JDBC_USER"
                        + " / TANDEM_TEST_JDBC_PASSWORD to a server that answers, or unset TANDEM_TEST_JDBC_URL to use"
                        + " embedded PostgreSQL (with tandem.postgres.source unset or auto).")
                .hasMessageNotContaining(PLANTED_SECRET)
                .extracting(e -> ((PostgresUnavailableException) e).sqlState())
                .isEqualTo("08001");
    }

    @Test
    void shared_unreachableUrl_failsWithoutFallingBackToEmbedded() {
        TestPostgresConfig config = TestPostgresConfig.defaults().withJdbcUrl("jdbc:postgresql://127.0.0.1:1/nope");

        assertThatThrownBy(() -> PostgresServers.shared(config))
                .isInstanceOf(PostgresUnavailableException.class)
                .hasMessageStartingWith("Could not connect to the external PostgreSQL server"
                        + " jdbc:postgresql://127.0.0.1:1/nope: SQLState 08001: ");
    }

    @Test
    void start_autoWithEmbeddedServersUrl_usesItAsExternal() throws SQLException {
        TestPostgresConfig config =
                TestPostgresConfig.defaults().withJdbcUrl(embedded.jdbcUrl()).withCredentials("postgres", null);

        try (PostgresServer external = PostgresServers.start(config)) {
            assertThat(external.source()).isEqualTo(PostgresSource.EXTERNAL);
            assertThat(external.description()).isEqualTo("external server " + embedded.jdbcUrl());
            assertThat(external.majorVersion()).isEqualTo(17);

            TestDatabase database = external.createDatabase("via_external");
            assertThat(Sessions.databaseExists(embedded, database.name())).isTrue();
            try (Connection connection = database.dataSource().getConnection()) {
                assertThat(Sessions.queryString(connection, "SELECT current_database()"))
                        .isEqualTo(database.name());
            }

            database.close();

            assertThat(Sessions.databaseExists(embedded, database.name())).isFalse();
        }
    }

    @Test
    void close_externalServerWithOpenDatabase_dropsItAndLeavesServerRunning() throws SQLException {
        PostgresServer external =
                PostgresServers.start(TestPostgresConfig.defaults().withJdbcUrl(embedded.jdbcUrl() + "?user=postgres"));
        TestDatabase leftOver = external.createDatabase("left_over");

        external.close();

        assertThat(Sessions.databaseExists(embedded, leftOver.name())).isFalse();
        try (Connection connection = Sessions.connect(embedded.jdbcUrl(), "postgres")) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void createDatabase_userWithoutCreatedb_failsSayingWhatToGrant() throws SQLException {
        Sessions.execute(embedded.jdbcUrl(), "postgres", "CREATE ROLE no_createdb LOGIN");
        try (PostgresServer external = PostgresServers.start(
                TestPostgresConfig.defaults().withJdbcUrl(embedded.jdbcUrl()).withCredentials("no_createdb", null))) {

            assertThatThrownBy(() -> external.createDatabase("denied"))
                    .isInstanceOf(PostgresUnavailableException.class)
                    .hasMessage("User 'no_createdb' may not create databases on external server " + embedded.jdbcUrl()
                            + ": SQLState 42501: ERROR: permission denied to create database. Grant the privilege"
                            + " with ALTER ROLE \"no_createdb\" CREATEDB, or set TANDEM_TEST_JDBC_USER to a user that"
                            + " has it.")
                    .extracting(e -> ((PostgresUnavailableException) e).sqlState())
                    .isEqualTo("42501");
        } finally {
            Sessions.execute(embedded.jdbcUrl(), "postgres", "DROP ROLE no_createdb");
        }
    }

    @Test
    void lifecycle_passwordInUrlAndConfig_neverLoggedNorInUrls() {
        // Embedded PostgreSQL trusts local connections, so any password is accepted and none is checked.
        TestPostgresConfig config = TestPostgresConfig.defaults()
                .withJdbcUrl(embedded.jdbcUrl() + "?user=postgres&password=" + PLANTED_SECRET + "-url")
                .withCredentials(null, PLANTED_SECRET + "-config");
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, UTF_8);
        String description;
        String jdbcUrl;
        String password;
        System.setErr(capture);
        System.setOut(capture);
        try (PostgresServer external = PostgresServers.start(config)) {
            description = external.description();
            try (TestDatabase database = external.createDatabase("secret_check")) {
                jdbcUrl = database.jdbcUrl();
                password = database.password();
                try (Connection connection = database.dataSource().getConnection()) {
                    assertThat(connection.isValid(5)).isTrue();
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }

        String log = captured.toString(UTF_8);
        assertThat(log).contains("Started external server").contains("Dropped database secret_check_");
        assertThat(log).doesNotContain(PLANTED_SECRET);
        assertThat(description).doesNotContain(PLANTED_SECRET).contains("password=***");
        assertThat(jdbcUrl).doesNotContain(PLANTED_SECRET).doesNotContain("password");
        assertThat(password).isEqualTo(PLANTED_SECRET + "-config");
        assertThat(config.toString()).doesNotContain(PLANTED_SECRET);
    }
}
