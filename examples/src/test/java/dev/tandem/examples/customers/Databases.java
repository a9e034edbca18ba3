package dev.tandem.examples.customers;

import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The integration tests' PostgreSQL: the shared server the environment selects, a fresh database per test. */
final class Databases {
    private Databases() {}

    static TestDatabase fresh(String prefix) {
        return PostgresServers.shared(TestPostgresConfig.fromEnvironment()).createDatabase(prefix);
    }

    static List<String> strings(DataSource ds, String sql, Object... args) throws SQLException {
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

    static long count(DataSource ds, String sql, Object... args) throws SQLException {
        return Long.parseLong(strings(ds, sql, args).get(0));
    }
}
