package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tandem.MigrationPlan;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * pgjdbc's server-prepared {@code SELECT *} across the plan's {@code ADD COLUMN} (expand) and {@code DROP COLUMN}
 * (contract): the error an application meets on a pooled connection, and the driver settings that avoid it. The
 * samples of troubleshooting.md and compatibility-tests.md.
 */
class CachedPlanIT {

    TestDatabase db;
    DataSource dataSource;
    MigrationPlan plan = GettingStartedIT.addressSplit();

    @BeforeEach
    void setUp() throws Exception {
        db = DocsDatabase.create("cached_plan");
        dataSource = db.dataSource();
        DocsDatabase.run(dataSource, "customers.sql", "schema");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** The application's pool: one connection, kept open across the migration, as a HikariCP pool keeps them. */
    HikariDataSource appPool(HikariConfig config) {
        return appPool(config, false); // as a transaction manager (Spring, JPA) runs every statement in a transaction
    }

    HikariDataSource appPool(HikariConfig config, boolean autoCommit) {
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(1);
        config.setAutoCommit(autoCommit);
        return new HikariDataSource(config);
    }

    /** The application's read of a customer's name: {@code SELECT *} through a prepared statement, in a transaction, as ORMs run it. */
    static String findName(DataSource app, int id) throws SQLException {
        try (Connection c = app.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM customers WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String name = rs.getString("name");
                c.commit();
                return name;
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException closed) {
                    e.addSuppressed(closed); // HikariCP closed the connection it counts as broken
                }
                throw e;
            }
        }
    }

    /** Runs the read often enough for pgjdbc to prepare it on the server (prepareThreshold, 5 by default). */
    static void warmUp(DataSource app) throws SQLException {
        for (int i = 0; i < 10; i++) {
            findName(app, 1);
        }
    }

    @Test
    void defaults_selectStarAfterExpandAndAfterContract_failsOncePerConnection() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        try (HikariDataSource app = appPool(new HikariConfig())) {
            warmUp(app);
            migrator.expand(plan); // ADD COLUMN: the rows of SELECT * have four more columns

            Throwable afterExpand = catchThrowable(() -> findName(app, 1));

            assertThat(afterExpand).isInstanceOf(SQLException.class);
            assertThat(((SQLException) afterExpand).getSQLState()).isEqualTo("0A000");
            DocOutputs.check("troubleshooting.md", "cached-plan", afterExpand.getMessage());
            DocOutputs.check("compatibility-tests.md", "cached-plan", afterExpand.getMessage());
            // HikariCP counts 0A000 as a broken connection and replaces it: the next read works
            assertThat(findName(app, 1)).isEqualTo("John Doe");

            migrator.runTo(plan, PlanState.VERIFIED);
            warmUp(app);
            migrator.contract(plan); // DROP COLUMN: one column less

            Throwable afterContract = catchThrowable(() -> findName(app, 1));

            assertThat(afterContract).isInstanceOf(SQLException.class);
            assertThat(((SQLException) afterContract).getSQLState()).isEqualTo("0A000");
            assertThat(findName(app, 1)).isEqualTo("John Doe");
        }
    }

    @Test
    void plainConnection_inATransactionAfterExpand_failsOnceThenPgjdbcPreparesAgain() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(db.jdbcUrl());
        ds.setUser(db.user());
        ds.setPassword(db.password());
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 10; i++) {
                select(c);
                c.commit();
            }
            PostgresMigrator.create(dataSource).expand(plan);

            Throwable e = catchThrowable(() -> select(c));

            assertThat(e).isInstanceOf(SQLException.class);
            assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000");
            c.rollback();
            assertThat(select(c)).isEqualTo("John Doe");
        }
    }

    @Test
    void autocommit_selectStarAfterExpand_pgjdbcRetriesOnItsOwn() throws Exception {
        try (HikariDataSource app = appPool(new HikariConfig(), true)) {
            try (Connection c = app.getConnection()) {
                for (int i = 0; i < 10; i++) {
                    select(c);
                }
                PostgresMigrator.create(dataSource).expand(plan);

                assertThat(select(c)).isEqualTo("John Doe");
            }
        }
    }

    @Test
    void prepareThresholdZero_selectStarAfterExpand_works() throws Exception {
        // tag::prepare-threshold[]
        HikariConfig config = new HikariConfig();
        config.addDataSourceProperty("prepareThreshold", "0"); // never prepare on the server: no plan to go stale
        // end::prepare-threshold[]
        try (HikariDataSource app = appPool(config)) {
            warmUp(app);
            PostgresMigrator.create(dataSource).expand(plan);

            assertThat(findName(app, 1)).isEqualTo("John Doe");
        }
    }

    @Test
    void autosaveConservative_selectStarAfterExpand_works() throws Exception {
        // tag::autosave[]
        HikariConfig config = new HikariConfig();
        config.addDataSourceProperty("autosave", "conservative"); // re-prepare and retry once after a schema change
        // end::autosave[]
        try (HikariDataSource app = appPool(config)) {
            warmUp(app);
            PostgresMigrator.create(dataSource).expand(plan);

            assertThat(findName(app, 1)).isEqualTo("John Doe");
        }
    }

    static String select(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM customers WHERE id = ?")) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString("name");
            }
        }
    }
}
