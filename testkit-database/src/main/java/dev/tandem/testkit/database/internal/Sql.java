package dev.tandem.testkit.database.internal;

import dev.tandem.testkit.database.PostgresUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/** The few statements the test kit runs on a server: inspect it, create and drop databases. */
public final class Sql {
    /** SQLState for a missing privilege, such as CREATEDB. */
    static final String INSUFFICIENT_PRIVILEGE = "42501";

    private Sql() {}

    /**
     * {@return the identifier in double quotes, with embedded quotes doubled}
     *
     * @param identifier any identifier
     */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * {@return a new connection to the server's maintenance database}
     *
     * @param server the server
     * @throws SQLException if the driver cannot connect
     */
    static Connection connectAdmin(ServerHandle server) throws SQLException {
        return connect(server.adminJdbcUrl(), server.user(), server.password());
    }

    static Connection connect(String url, @Nullable String user, @Nullable String password) throws SQLException {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "tandem-testkit-admin");
        return DriverManager.getConnection(url, properties);
    }

    /**
     * {@return who and what the server is}
     *
     * @param url JDBC URL of a database on the server
     * @param user user, or {@code null} for the driver's default
     * @param password password, or {@code null}
     * @throws SQLException if the server cannot be reached or queried
     */
    static ServerInfo inspect(String url, @Nullable String user, @Nullable String password) throws SQLException {
        try (Connection connection = connect(url, user, password);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT current_user, current_setting('server_version'),"
                        + " current_setting('server_version_num')::int")) {
            row.next();
            return new ServerInfo(row.getString(1), row.getString(2), row.getInt(3));
        }
    }

    /**
     * Creates a database.
     *
     * @param server the server
     * @param database a valid lower-case identifier
     * @throws PostgresUnavailableException if the server refuses; the message says what to grant if it is a
     *     privilege
     */
    public static void createDatabase(ServerHandle server, String database) {
        try (Connection connection = connectAdmin(server);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + quote(database));
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw new PostgresUnavailableException(
                        Messages.noCreateDatabasePrivilege(server.info().user(), server.description(), e), e);
            }
            throw new PostgresUnavailableException(Messages.createDatabaseFailed(database, server.description(), e), e);
        }
    }

    /**
     * Terminates every remaining session of a database, then drops it.
     *
     * @param server the server
     * @param database the database name
     * @return how many sessions were terminated
     * @throws PostgresUnavailableException if the database cannot be dropped
     */
    public static int terminateAndDrop(ServerHandle server, String database) {
        try (Connection connection = connectAdmin(server)) {
            int terminated = 0;
            try (PreparedStatement terminate = connection.prepareStatement("SELECT count(pg_terminate_backend(pid))"
                    + " FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                terminate.setString(1, database);
                try (ResultSet row = terminate.executeQuery()) {
                    row.next();
                    terminated = row.getInt(1);
                }
            }
            // WITH (FORCE) (PostgreSQL 13+) also catches a session that connects between terminate and drop.
            String force = server.info().majorVersion() >= 13 ? " WITH (FORCE)" : "";
            try (Statement drop = connection.createStatement()) {
                drop.execute("DROP DATABASE IF EXISTS " + quote(database) + force);
            }
            return terminated;
        } catch (SQLException e) {
            throw new PostgresUnavailableException(Messages.dropDatabaseFailed(database, server.description(), e), e);
        }
    }
}
