package dev.tandem.testkit.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresIT {
    private static PostgresServer server;

    @BeforeAll
    static void startServer() {
        server = PostgresServers.start(TestPostgresConfig.defaults()
                .withSource(PostgresSource.EMBEDDED)
                .withMajorVersion(17));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void start_major17_serverReportsMajor17() throws SQLException {
        try (Connection connection = Sessions.connect(server.jdbcUrl(), "postgres")) {
            int versionNumber = Integer.parseInt(Sessions.queryString(connection, "SHOW server_version_num"));

            assertThat(versionNumber / 10_000).isEqualTo(17);
        }
        assertThat(server.majorVersion()).isEqualTo(17);
        assertThat(server.source()).isEqualTo(PostgresSource.EMBEDDED);
        assertThat(server.serverVersion()).startsWith("17.");
        assertThat(server.description()).matches("embedded PostgreSQL 17\\.\\d+ \\(zonky binaries 17\\.\\d+\\.\\d+\\)");
    }

    @Test
    void start_major14_serverReportsMajor14() throws SQLException {
        try (PostgresServer server14 = PostgresServers.start(TestPostgresConfig.defaults()
                .withSource(PostgresSource.EMBEDDED)
                .withMajorVersion(14))) {
            try (Connection connection = Sessions.connect(server14.jdbcUrl(), "postgres")) {
                int versionNumber = Integer.parseInt(Sessions.queryString(connection, "SHOW server_version_num"));

                assertThat(versionNumber / 10_000).isEqualTo(14);
            }
            assertThat(server14.majorVersion()).isEqualTo(14);
            assertThat(server14.description())
                    .matches("embedded PostgreSQL 14\\.\\d+ \\(zonky binaries 14\\.\\d+\\.\\d+\\)");

            // Below 13 there is no DROP DATABASE ... WITH (FORCE); terminate-then-drop must still work on 14.
            TestDatabase database = server14.createDatabase("v14_it");
            Connection session = Sessions.connect(database.jdbcUrl(), database.user());
            database.close();

            assertThat(Sessions.databaseExists(server14, database.name())).isFalse();
            assertThat(session.isValid(5)).isFalse();
            session.close();
        }
    }

    @Test
    void start_testSettings_applied() throws SQLException {
        try (Connection connection = Sessions.connect(server.jdbcUrl(), "postgres")) {
            assertThat(Sessions.queryString(connection, "SHOW max_connections")).isEqualTo("300");
            assertThat(Sessions.queryString(connection, "SHOW fsync")).isEqualTo("off");
            assertThat(Sessions.queryString(connection, "SHOW synchronous_commit"))
                    .isEqualTo("off");
            assertThat(Sessions.queryString(connection, "SHOW full_page_writes"))
                    .isEqualTo("off");
            assertThat(Sessions.queryString(connection, "SHOW log_lock_waits")).isEqualTo("on");
            assertThat(Sessions.queryString(connection, "SHOW deadlock_timeout"))
                    .isEqualTo("200ms");
        }
    }

    @Test
    void createDatabase_prefix_freshDatabaseWithThatPrefix() throws SQLException {
        try (TestDatabase database = server.createDatabase("orders_it")) {
            assertThat(database.name()).matches("orders_it_[a-z0-9]{12}");
            assertThat(database.jdbcUrl()).endsWith("/" + database.name());
            assertThat(database.user()).isEqualTo("postgres");
            assertThat(Sessions.databaseExists(server, database.name())).isTrue();
            try (Connection connection = database.dataSource().getConnection()) {
                assertThat(Sessions.queryString(connection, "SELECT current_database()"))
                        .isEqualTo(database.name());
                assertThat(Sessions.queryString(connection, "SELECT count(*) FROM pg_class WHERE relname = 'orders'"))
                        .isEqualTo("0");
            }
        }
    }

    @Test
    void createDatabase_twice_distinctDatabases() {
        try (TestDatabase first = server.createDatabase("twice");
                TestDatabase second = server.createDatabase("twice")) {
            assertThat(first.name()).isNotEqualTo(second.name());
        }
    }

    @Test
    void close_database_dropsIt() throws SQLException {
        TestDatabase database = server.createDatabase("dropped");
        assertThat(Sessions.databaseExists(server, database.name())).isTrue();

        database.close();

        assertThat(Sessions.databaseExists(server, database.name())).isFalse();
    }

    @Test
    void close_withOpenSessionsAndBorrowedConnection_terminatesThemAndDrops() throws SQLException {
        TestDatabase database = server.createDatabase("busy");
        Connection foreign = Sessions.connect(database.jdbcUrl(), database.user());
        Connection borrowed = database.dataSource().getConnection();

        database.close();

        assertThat(Sessions.databaseExists(server, database.name())).isFalse();
        assertThat(foreign.isValid(5)).isFalse();
        assertThat(borrowed.isClosed() || !borrowed.isValid(5)).isTrue();
        foreign.close();
    }

    @Test
    void close_twice_secondIsNoOp() {
        TestDatabase database = server.createDatabase("idempotent");

        database.close();
        database.close();

        assertThatThrownBy(database::dataSource)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Test database " + database.name() + " was closed");
    }

    @Test
    void dataSource_calledTwice_samePoolOfTen() {
        try (TestDatabase database = server.createDatabase("pool")) {
            DataSource first = database.dataSource();

            assertThat(database.dataSource()).isSameAs(first);
            assertThat(((HikariDataSource) first).getMaximumPoolSize()).isEqualTo(10);
        }
    }

    @Test
    void newDataSource_applicationName_visibleAndClosedWithDatabase() throws SQLException {
        TestDatabase database = server.createDatabase("extra_pools");
        HikariDataSource oldApp = database.newDataSource(2, "app-v1");
        HikariDataSource newApp = database.newDataSource(3, "app-v2");

        try (Connection connection = newApp.getConnection()) {
            assertThat(Sessions.queryString(connection, "SHOW application_name"))
                    .isEqualTo("app-v2");
        }
        try (Connection connection = oldApp.getConnection()) {
            assertThat(Sessions.queryString(connection, "SHOW application_name"))
                    .isEqualTo("app-v1");
        }
        assertThat(oldApp.getMaximumPoolSize()).isEqualTo(2);
        oldApp.close(); // the caller may close a pool early

        database.close();

        assertThat(oldApp.isClosed()).isTrue();
        assertThat(newApp.isClosed()).isTrue();
    }

    @Test
    void newDataSource_zeroPoolSize_rejected() {
        try (TestDatabase database = server.createDatabase("bad_pool")) {
            assertThatThrownBy(() -> database.newDataSource(0, "app"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxPoolSize must be at least 1 but was 0");
        }
    }

    @Test
    void createDatabase_invalidPrefix_rejected() {
        assertThatThrownBy(() -> server.createDatabase("Orders"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Database name prefix must be 1 to 50 lower-case letters, digits and underscores, not"
                        + " starting with a digit, but was 'Orders'");
    }

    @Test
    void close_privateServer_stopsItAndRejectsNewDatabases() throws SQLException {
        PostgresServer privateServer = PostgresServers.start(TestPostgresConfig.defaults()
                .withSource(PostgresSource.EMBEDDED)
                .withMajorVersion(17));
        String url = privateServer.jdbcUrl();
        TestDatabase leftOver = privateServer.createDatabase("left_over");
        DataSource pool = leftOver.dataSource();

        privateServer.close();

        assertThat(((HikariDataSource) pool).isClosed()).isTrue();
        assertThatThrownBy(() -> Sessions.connect(url, "postgres")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> privateServer.createDatabase("late"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("PostgreSQL server embedded PostgreSQL 17.")
                .hasMessageEndingWith(" was closed");
    }
}
