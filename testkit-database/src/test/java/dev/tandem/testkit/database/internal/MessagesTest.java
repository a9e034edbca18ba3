package dev.tandem.testkit.database.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void externalUnreachable_namesMaskedUrlErrorAndSettings() {
        SQLException refused = new SQLException("Connection to 127.0.0.1:1 refused.", "08001");

        assertThat(Messages.externalUnreachable(
                        JdbcUrls.mask("jdbc:postgresql://127.0.0.1:1/nope?password=hunter2"), refused))
                .isEqualTo("Could not connect to the external PostgreSQL server"
                        + " jdbc:postgresql://127.0.0.1:1/nope?password=***: SQLState 08001: Connection to"
                        + " 127.0.0.1:1 refused. Set TANDEM_TEST_JDBC_URL (or tandem.test.jdbc.url) and"
                        + " TANDEM_TEST_JDBC_USER / TANDEM_TEST_JDBC_PASSWORD to a server that answers, or unset"
                        + " TANDEM_TEST_JDBC_URL to use embedded PostgreSQL (with tandem.postgres.source unset or"
                        + " auto).");
    }

    @Test
    void noCreateDatabasePrivilege_saysWhatToGrant() {
        SQLException denied = new SQLException("ERROR: permission denied to create database", "42501");

        assertThat(Messages.noCreateDatabasePrivilege("App\"User", "external server jdbc:postgresql://db/app", denied))
                .isEqualTo("User 'App\"User' may not create databases on external server jdbc:postgresql://db/app:"
                        + " SQLState 42501: ERROR: permission denied to create database. Grant the privilege with"
                        + " ALTER ROLE \"App\"\"User\" CREATEDB, or set TANDEM_TEST_JDBC_USER to a user that has"
                        + " it.");
    }

    @Test
    void dropDatabaseFailed_saysHowToDropByHand() {
        SQLException busy = new SQLException("ERROR: database is being accessed by other users", "55006");

        assertThat(Messages.dropDatabaseFailed("it_abc", "embedded PostgreSQL 17.6 (zonky binaries 17.6.0)", busy))
                .isEqualTo("Could not drop test database 'it_abc' on embedded PostgreSQL 17.6 (zonky binaries"
                        + " 17.6.0): SQLState 55006: ERROR: database is being accessed by other users. Drop it by"
                        + " hand with DROP DATABASE \"it_abc\".");
    }

    @Test
    void testcontainersMissing_namesSettingAndWhatIsMissing() {
        assertThat(Messages.testcontainersMissing())
                .isEqualTo("PostgreSQL from Testcontainers was asked for via tandem.postgres.source=testcontainers,"
                        + " but there is no Testcontainers PostgreSQL module on the classpath"
                        + " (org.testcontainers:testcontainers-postgresql 2.x). Add it to the test dependencies, or"
                        + " set tandem.postgres.source=embedded (or unset it) to use embedded PostgreSQL.");
    }

    @Test
    void dockerMissing_namesSettingAndWhatIsMissing() {
        assertThat(Messages.dockerMissing())
                .isEqualTo("PostgreSQL from Testcontainers was asked for via tandem.postgres.source=testcontainers,"
                        + " but no Docker engine answered (DockerClientFactory.isDockerAvailable() is false). Start a"
                        + " Docker engine, or set tandem.postgres.source=embedded (or unset it) to use embedded"
                        + " PostgreSQL.");
    }

    @Test
    void isPresent_missingClass_false() {
        assertThat(ServerLauncher.isPresent("org.example.NoSuchClass")).isFalse();
        assertThat(ServerLauncher.isPresent(ServerLauncher.DOCKER_CLIENT_FACTORY))
                .isTrue();
        assertThat(ServerLauncher.isPresent(ContainerServer.CONTAINER_CLASS)).isTrue();
    }
}
