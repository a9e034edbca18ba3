package dev.tandem.spring.boot;

import dev.tandem.postgres.internal.AdvisoryLock;
import dev.tandem.testkit.database.PostgresServers;
import dev.tandem.testkit.database.TestDatabase;
import dev.tandem.testkit.database.TestPostgresConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The integration tests' PostgreSQL: a fresh database per test on the shared server, and context runners on it. */
final class Db {
    private Db() {}

    static TestDatabase fresh() {
        return PostgresServers.shared(TestPostgresConfig.fromEnvironment()).createDatabase("boot");
    }

    /** A fresh database with {@code parcels} and {@code rows} rows in it. */
    static TestDatabase withParcels(int rows) throws SQLException {
        TestDatabase db = fresh();
        execute(db, TestPlans.CREATE_PARCELS);
        execute(db, "INSERT INTO parcels SELECT g, g * 10 FROM generate_series(1, " + rows + ") g");
        return db;
    }

    /** A runner with the DataSource and Tandem's auto-configurations, pointed at {@code db} through Spring's properties. */
    static ApplicationContextRunner runner(TestDatabase db, Class<?>... moreAutoConfigurations) {
        List<Class<?>> all = new ArrayList<>(List.of(
                DataSourceAutoConfiguration.class,
                TandemAutoConfiguration.class,
                TandemEndpointAutoConfiguration.class,
                TandemHealthContributorAutoConfiguration.class));
        all.addAll(List.of(moreAutoConfigurations));
        List<String> properties = new ArrayList<>(List.of(
                "spring.datasource.url=" + db.jdbcUrl(),
                "spring.datasource.username=" + db.user(),
                "spring.datasource.hikari.maximum-pool-size=3",
                "spring.datasource.hikari.minimum-idle=0"));
        String password = db.password();
        if (password != null) {
            properties.add("spring.datasource.password=" + password);
        }
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(all.toArray(Class<?>[]::new)))
                .withPropertyValues(properties.toArray(String[]::new));
    }

    /** Runs {@code body} while another session holds the plan's runner lock, as a second instance would. */
    static void holdingRunnerLock(TestDatabase db, String planId, Runnable body) throws SQLException {
        try (Connection other = db.dataSource().getConnection()) {
            // the executor's own lock, so the test holds exactly what another runner would
            AdvisoryLock held = AdvisoryLock.acquire(other, planId, Duration.ZERO, "expand");
            try {
                body.run();
            } finally {
                held.close();
            }
        }
    }

    static void execute(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<String> strings(TestDatabase db, String sql, Object... args) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
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

    static long count(TestDatabase db, String sql, Object... args) throws SQLException {
        return Long.parseLong(strings(db, sql, args).get(0));
    }

    /** The columns of {@code parcels}, in order. */
    static List<String> parcelsColumns(TestDatabase db) throws SQLException {
        return strings(
                db,
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                        + " AND table_name = 'parcels' ORDER BY ordinal_position");
    }

    /** The stored state of a plan, or {@code null} if Tandem never stored it. */
    static String state(TestDatabase db, String planId) throws SQLException {
        if (count(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tandem'") == 0) {
            return "none";
        }
        List<String> s = strings(db, "SELECT state FROM tandem.plans WHERE plan_id = ?", planId);
        return s.isEmpty() ? "none" : s.get(0);
    }

    /** {@link #await}, for lambdas that cannot throw. */
    static void awaitUnchecked(Duration timeout, String what, Callable<Boolean> condition) {
        try {
            await(timeout, what, condition);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code condition} holds, polling; fails after {@code timeout}. */
    static void await(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
