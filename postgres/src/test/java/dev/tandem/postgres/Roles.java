package dev.tandem.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * Login roles for one test: unique names (roles are cluster-wide and tests run against one shared server), a password
 * so they also work on a server that requires one, dropped at the end.
 */
final class Roles implements AutoCloseable {
    private final TestDatabase db;
    private final List<String> roles = new ArrayList<>();
    private final List<HikariDataSource> pools = new ArrayList<>();

    Roles(TestDatabase db) {
        this.db = db;
    }

    /** Creates a login role; {@return its name}. */
    String create(String prefix, String options) throws SQLException {
        String name = prefix + "_"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                        .toLowerCase(Locale.ROOT);
        Db.exec(db.dataSource(), "CREATE ROLE " + name + " LOGIN PASSWORD 'pw' " + options);
        roles.add(name);
        return name;
    }

    /** {@return a small pool connecting to the test's database as {@code role}} */
    DataSource connect(String role) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(db.jdbcUrl());
        c.setUsername(role);
        c.setPassword("pw");
        c.setMaximumPoolSize(2);
        c.setPoolName("role-" + role);
        HikariDataSource ds = new HikariDataSource(c);
        pools.add(ds);
        return ds;
    }

    @Override
    public void close() throws SQLException {
        for (HikariDataSource p : pools) {
            p.close();
        }
        for (String r : roles) {
            Db.exec(db.dataSource(), "DROP OWNED BY " + r);
            Db.exec(db.dataSource(), "DROP ROLE IF EXISTS " + r);
        }
    }
}
