package dev.tandem.testkit.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Plain JDBC helpers for the integration tests, independent of the code under test. */
final class Sessions {
    private Sessions() {}

    static Connection connect(String url, String user) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        return DriverManager.getConnection(url, properties);
    }

    static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    static boolean databaseExists(PostgresServer server, String database) throws SQLException {
        try (Connection connection = connect(server.jdbcUrl(), "postgres");
                PreparedStatement query =
                        connection.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1) == 1;
            }
        }
    }

    static void execute(String url, String user, String sql) throws SQLException {
        try (Connection connection = connect(url, user);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
