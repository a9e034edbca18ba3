package dev.tandem.postgres;

import dev.tandem.testkit.database.PostgresServer;
import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The integration tests' database: the shared server chosen by the environment, a fresh database per test. */
public final class Db {
    private Db() {}

    public static PostgresServer server() {
        return PostgresServers.shared(TestPostgresConfig.fromEnvironment());
    }

    public static TestDatabase fresh(String prefix) {
        return server().createDatabase(prefix);
    }

    /** Version 1's schema from the tutorial (docker/init.sql), with {@code rows} generated customers. */
    public static void customers(DataSource ds, int rows) throws SQLException {
        exec(
                ds,
                "CREATE TABLE customers (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, email varchar(255) NOT NULL UNIQUE,"
                        + " address text, created_at timestamp DEFAULT CURRENT_TIMESTAMP, updated_at timestamp DEFAULT CURRENT_TIMESTAMP)");
        exec(
                ds,
                "INSERT INTO customers (name, email, address) SELECT 'Customer ' || g, 'c' || g || '@example.com',"
                        + " g || ' Main St, Springfield, IL, ' || lpad((g % 99999)::text, 5, '0') FROM generate_series(1, "
                        + rows + ") g");
        exec(ds, "ANALYZE customers");
    }

    public static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public static long count(DataSource ds, String sql, Object... args) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public static List<String> strings(DataSource ds, String sql, Object... args) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    public static List<String> columns(DataSource ds, String table) throws SQLException {
        return strings(
                ds,
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?"
                        + " ORDER BY ordinal_position",
                table);
    }

    public static boolean schemaExists(DataSource ds, String schema) throws SQLException {
        return count(ds, "SELECT count(*) FROM pg_namespace WHERE nspname = ?", schema) == 1;
    }

    public static long triggers(DataSource ds, String table) throws SQLException {
        return count(
                ds,
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(?) AND NOT tgisinternal",
                "public." + table);
    }
}
