package dev.tandem.testkit.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

class TestcontainersIT {
    private static final TestPostgresConfig CONTAINER_17 = TestPostgresConfig.defaults()
            .withSource(PostgresSource.TESTCONTAINERS)
            .withMajorVersion(17);

    private static boolean dockerAvailable;

    @BeforeAll
    static void probeDocker() {
        dockerAvailable = DockerClientFactory.instance().isDockerAvailable();
    }

    @Test
    void start_testcontainersWithoutDocker_failsSayingWhatToSet() {
        assumeThat(dockerAvailable)
                .as("this test needs a machine without a Docker engine")
                .isFalse();

        assertThatThrownBy(() -> PostgresServers.start(CONTAINER_17))
                .isInstanceOf(PostgresUnavailableException.class)
                .hasMessage("PostgreSQL from Testcontainers was asked for via tandem.postgres.source=testcontainers,"
                        + " but no Docker engine answered (DockerClientFactory.isDockerAvailable() is false). Start a"
                        + " Docker engine, or set tandem.postgres.source=embedded (or unset it) to use embedded"
                        + " PostgreSQL.");
    }

    @Test
    void start_testcontainersWithUrlConfigured_stillTestcontainers() {
        assumeThat(dockerAvailable)
                .as("this test needs a machine without a Docker engine")
                .isFalse();
        TestPostgresConfig config = CONTAINER_17.withJdbcUrl("jdbc:postgresql://127.0.0.1:1/nope");

        assertThatThrownBy(() -> PostgresServers.shared(config))
                .isInstanceOf(PostgresUnavailableException.class)
                .hasMessageStartingWith("PostgreSQL from Testcontainers was asked for via tandem.postgres.source");
    }

    @Test
    void start_testcontainersWithDocker_servesDatabases() throws SQLException {
        assumeThat(dockerAvailable).as("this test needs a Docker engine").isTrue();

        try (PostgresServer server = PostgresServers.start(CONTAINER_17);
                TestDatabase database = server.createDatabase("container_it");
                Connection connection = database.dataSource().getConnection()) {
            assertThat(server.source()).isEqualTo(PostgresSource.TESTCONTAINERS);
            assertThat(server.majorVersion()).isEqualTo(17);
            assertThat(server.description()).startsWith("Testcontainers PostgreSQL 17.");
            assertThat(Sessions.queryString(connection, "SELECT current_database()"))
                    .isEqualTo(database.name());
        }
    }
}
