package dev.tandem.testkit.database.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Every failure message of the test kit, in one place so that unit tests can assert the full text. Each says what
 * failed, where, and which setting to change.
 */
public final class Messages {
    private static final String USE_EMBEDDED =
            "set tandem.postgres.source=embedded (or unset it) to use embedded PostgreSQL.";
    private static final String TESTCONTAINERS_ASKED =
            "PostgreSQL from Testcontainers was asked for via tandem.postgres.source=testcontainers, but ";

    private Messages() {}

    /** {@return the message for {@code source=external} without a URL} */
    public static String externalWithoutUrl() {
        return "PostgreSQL source 'external' was asked for via tandem.postgres.source, but no JDBC URL is set. Set"
                + " TANDEM_TEST_JDBC_URL (or the system property tandem.test.jdbc.url) to the server's URL, or "
                + USE_EMBEDDED;
    }

    /**
     * {@return the message for an external server that does not answer}
     *
     * @param maskedUrl the configured URL, password masked
     * @param error the driver's error
     */
    public static String externalUnreachable(String maskedUrl, SQLException error) {
        return "Could not connect to the external PostgreSQL server " + maskedUrl + ": " + describe(error)
                + ". Set TANDEM_TEST_JDBC_URL (or tandem.test.jdbc.url) and TANDEM_TEST_JDBC_USER /"
                + " TANDEM_TEST_JDBC_PASSWORD to a server that answers, or unset TANDEM_TEST_JDBC_URL to use embedded"
                + " PostgreSQL (with tandem.postgres.source unset or auto).";
    }

    /**
     * {@return the message for a user without the CREATEDB privilege}
     *
     * @param user the user as the server names it
     * @param description the server's description (no secrets)
     * @param error the server's error
     */
    public static String noCreateDatabasePrivilege(String user, String description, SQLException error) {
        return "User '" + user + "' may not create databases on " + description + ": " + describe(error)
                + ". Grant the privilege with ALTER ROLE " + Sql.quote(user)
                + " CREATEDB, or set TANDEM_TEST_JDBC_USER to a user that has it.";
    }

    /**
     * {@return the message for a failed CREATE DATABASE}
     *
     * @param database the database name
     * @param description the server's description (no secrets)
     * @param error the server's error
     */
    public static String createDatabaseFailed(String database, String description, SQLException error) {
        return "Could not create test database '" + database + "' on " + description + ": " + describe(error) + ".";
    }

    /**
     * {@return the message for a failed DROP DATABASE}
     *
     * @param database the database name
     * @param description the server's description (no secrets)
     * @param error the server's error
     */
    public static String dropDatabaseFailed(String database, String description, SQLException error) {
        return "Could not drop test database '" + database + "' on " + description + ": " + describe(error)
                + ". Drop it by hand with DROP DATABASE " + Sql.quote(database) + ".";
    }

    /** {@return the message for Testcontainers asked for but absent} */
    public static String testcontainersMissing() {
        return TESTCONTAINERS_ASKED
                + "there is no Testcontainers PostgreSQL module on the classpath (org.testcontainers:testcontainers-postgresql"
                + " 2.x). Add it to the test dependencies, or " + USE_EMBEDDED;
    }

    /** {@return the message for Testcontainers asked for without a Docker engine} */
    public static String dockerMissing() {
        return TESTCONTAINERS_ASKED
                + "no Docker engine answered (DockerClientFactory.isDockerAvailable() is false). Start a Docker"
                + " engine, or " + USE_EMBEDDED;
    }

    /**
     * {@return the message for a container that did not start}
     *
     * @param image the Docker image
     * @param detail what went wrong
     */
    public static String containerFailed(String image, String detail) {
        return "Testcontainers could not start PostgreSQL from image " + image + ": " + detail
                + ". Check the Docker engine, or " + USE_EMBEDDED;
    }

    /**
     * {@return the message for an embedded server that did not start}
     *
     * @param binaries the binaries it was started from
     * @param error what went wrong
     */
    public static String embeddedStartFailed(ResolvedBinaries binaries, Exception error) {
        return "Could not start embedded PostgreSQL " + binaries.majorVersion() + " from zonky binaries "
                + binaries.version() + " (" + binaries.jar() + "): " + error
                + ". Set tandem.postgres.binaries.dir to other binaries, or TANDEM_TEST_JDBC_URL to use an existing"
                + " server.";
    }

    /**
     * {@return the message for no binaries found for a major version}
     *
     * @param majorVersion the PostgreSQL major version asked for
     * @param platform the platform
     * @param attempts what was tried, one entry per place, in order
     */
    public static String binariesNotFound(int majorVersion, Platform platform, List<String> attempts) {
        StringBuilder message = new StringBuilder()
                .append("No embedded PostgreSQL ")
                .append(majorVersion)
                .append(" binaries for ")
                .append(platform)
                .append(" (")
                .append(EmbeddedBinaries.GROUP_ID)
                .append(':')
                .append(platform.artifactId())
                .append(':')
                .append(majorVersion)
                .append(".*). Tried:");
        for (int i = 0; i < attempts.size(); i++) {
            message.append("\n  ").append(i + 1).append(". ").append(attempts.get(i));
        }
        return message.append("\nSet tandem.postgres.binaries.dir to a directory holding ")
                .append(platform.artifactId())
                .append('-')
                .append(majorVersion)
                .append(".x.y.jar, set tandem.postgres.repository to a Maven repository that has it, set")
                .append(" tandem.postgres.version to a major version that exists, or set TANDEM_TEST_JDBC_URL to use")
                .append(" an existing server.")
                .toString();
    }

    /**
     * {@return "SQLState 08001: message" for messages}
     *
     * @param error the driver's or server's error
     */
    public static String describe(SQLException error) {
        String message =
                Objects.requireNonNullElse(error.getMessage(), error.getClass().getName());
        // Messages append their own full stop; the driver's often ends with one already.
        if (message.endsWith(".")) {
            message = message.substring(0, message.length() - 1);
        }
        return "SQLState " + error.getSQLState() + ": " + message;
    }
}
