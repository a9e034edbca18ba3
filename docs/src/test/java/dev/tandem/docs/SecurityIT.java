package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.StepExecutionException;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.UnmappedRow;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The security model and the grants of concepts.md, run as a deployment runs: a migrator that owns the table and is no
 * superuser, an application role with its DML grants only. Also the backfill's refusal of troubleshooting.md when the
 * table has triggers of its own.
 */
class SecurityIT {

    TestDatabase db;
    DeploymentRoles roles;
    final MigrationPlan plan = GettingStartedIT.addressSplit();

    @BeforeEach
    void setUp() throws Exception {
        db = DocsDatabase.create("security");
        DocsDatabase.run(db.dataSource(), "customers.sql", "schema");
        roles = new DeploymentRoles(db);
        roles.run("grants");
        roles.run("revoke-public-create");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            roles.close();
        } finally {
            db.close();
        }
    }

    @Test
    void grants_migratorOwnsTheTableAppHasDmlOnly_planRunsWhileTheAppWrites() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(roles.connect("migrator"));
        DataSource app = roles.connect("app");
        migrator.expand(plan);

        // the old version writes; the trigger runs with the app's own rights and fills the new columns
        execute(
                app,
                "INSERT INTO customers (name, email, address) VALUES ('Ada', 'ada@example.com',"
                        + " '12 Analytical Way, Boston, MA, 02101')");
        assertThat(query(app, "SELECT city FROM customers WHERE email = 'ada@example.com'"))
                .isEqualTo("Boston");
        // a value the plan cannot map is recorded through Tandem's recording function, without any grant on its tables
        execute(app, "UPDATE customers SET address = '1 A St, Town, 90001' WHERE id = 2");
        assertThat(migrator.unmapped(plan, 10)).extracting(UnmappedRow::key).containsExactly(java.util.List.of("2"));
        // ... but the app can neither read nor write Tandem's state
        assertThat(sqlState(app, "SELECT count(*) FROM tandem.unmapped")).isEqualTo("42501");
        assertThat(sqlState(app, "DELETE FROM tandem.unmapped")).isEqualTo("42501");
        assertThat(sqlState(app, "UPDATE tandem.plans SET state = 'VERIFIED'")).isEqualTo("42501");
        // ... nor record a row it did not write in its own transaction
        String record = query(
                db.dataSource(),
                "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'tandem'::regnamespace"
                        + " AND p.proname LIKE 'sync\\_%\\_record'");
        execute(
                app,
                "SELECT " + record.replace("(integer,text,text,text,text)", "(3, 'forward', NULL, 'planted', NULL)"));
        assertThat(migrator.unmapped(plan, 10)).extracting(UnmappedRow::key).containsExactly(java.util.List.of("2"));
        // ... nor switch the sync off: tandem.sync is honoured for members of the table's owner only
        try (Connection c = app.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET tandem.sync = 'off'");
            s.execute("UPDATE customers SET address = '9 Elm St, Reno, NV, 89501' WHERE id = 1");
        }
        assertThat(query(app, "SELECT city FROM customers WHERE id = 1")).isEqualTo("Reno");
        // ... nor create a function in public that an expression could resolve to
        assertThat(sqlState(
                        app,
                        "CREATE FUNCTION public.num_nonnulls(VARIADIC text[]) RETURNS integer LANGUAGE sql"
                                + " AS 'SELECT 0'"))
                .isEqualTo("42501");

        migrator.backfill(plan);
        execute(app, "UPDATE customers SET address = '1 A St, Town, MA, 02101' WHERE id = 2");
        assertThat(migrator.verify(plan).contractable()).isTrue();
        assertThat(migrator.contract(plan).state()).isEqualTo(PlanState.CONTRACTED);
        assertThat(query(
                        app,
                        "SELECT concat_ws('|', street_address, city, state, zip_code) FROM customers WHERE id = 2"))
                .isEqualTo("1 A St|Town|MA|02101");
    }

    @Test
    void backfill_tableTriggerAndNoRightToSkipIt_refusedBeforeTheFirstBatch() throws Exception {
        roles.run("updated-at-trigger");
        PostgresMigrator migrator = PostgresMigrator.create(roles.connect("migrator"));
        migrator.expand(plan);
        String before = query(db.dataSource(), "SELECT max(updated_at)::text FROM customers");

        Throwable e = catchThrowable(() -> migrator.backfill(plan));

        assertThat(e).isInstanceOf(StepExecutionException.class);
        assertThat(((StepExecutionException) e).errorCode()).isEqualTo(ErrorCode.BACKFILL_FAILED);
        DocOutputs.check("troubleshooting.md", "backfill-triggers", e.getMessage());
        assertThat(query(db.dataSource(), "SELECT count(*) FROM customers WHERE city IS NOT NULL"))
                .isEqualTo("0");

        // tag::backfill-firing-triggers[]
        PostgresMigrator firing = migrator.withOptions(migrator.options().withBackfillFiringTriggers(true));
        firing.backfill(plan); // the table's triggers fire for every row the backfill fills
        // end::backfill-firing-triggers[]

        assertThat(query(db.dataSource(), "SELECT count(*) FROM customers WHERE city IS NOT NULL"))
                .isEqualTo("5");
        assertThat(query(
                        db.dataSource(),
                        "SELECT count(*) FROM customers WHERE updated_at > '" + before + "'::timestamp"))
                .isEqualTo("5");
    }

    @Test
    void backfill_tableTriggerAndTheGrant_skipsTheTrigger() throws Exception {
        assumeThat(roles.serverVersion()).as("GRANT SET ON PARAMETER").isGreaterThanOrEqualTo(150000);
        roles.run("updated-at-trigger");
        roles.run("replication-role");
        PostgresMigrator migrator = PostgresMigrator.create(roles.connect("migrator"));
        migrator.expand(plan);
        String before = query(db.dataSource(), "SELECT max(updated_at)::text FROM customers");

        migrator.backfill(plan);

        assertThat(query(db.dataSource(), "SELECT count(*) FROM customers WHERE city IS NOT NULL"))
                .isEqualTo("5");
        assertThat(query(db.dataSource(), "SELECT max(updated_at)::text FROM customers"))
                .isEqualTo(before);
    }

    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String query(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String sqlState(DataSource ds, String sql) {
        Throwable e = catchThrowable(() -> execute(ds, sql));
        return e instanceof SQLException se ? se.getSQLState() : "no error";
    }
}
