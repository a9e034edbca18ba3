package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.PlanExplanation;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PlanStatus;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.VerifyReport;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The samples of getting-started.md: the tutorial's address split, phase by phase. */
class GettingStartedIT {
    private static final Logger log = LoggerFactory.getLogger(GettingStartedIT.class);

    static final String PAGE = "getting-started.md";

    TestDatabase db;
    DataSource dataSource;

    @BeforeEach
    void setUp() throws Exception {
        db = DocsDatabase.create("getting_started");
        dataSource = db.dataSource();
        DocsDatabase.run(dataSource, "customers.sql", "schema");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static MigrationPlan addressSplit() {
        // tag::first-plan[]
        TableName customers = TableName.of("customers");
        MigrationPlan plan = MigrationPlan.named("customers-address-split")
                .description("Split customers.address into street_address, city, state and zip_code")
                .deriveColumns(DeriveColumns.on(customers)
                        .from("address")
                        .into("street_address", ColumnType.varchar(255), part(1))
                        .into("city", ColumnType.varchar(100), part(2))
                        .into("state", ColumnType.varchar(2), part(3))
                        .into("zip_code", ColumnType.varchar(10), part(4))
                        .backward(
                                "address",
                                SqlExpression.trusted(
                                        "CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0"
                                                + " THEN NULL ELSE concat_ws(', ', street_address, city, state, zip_code) END"))
                        .mappableWhen(SqlExpression.trusted("address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$'")))
                .dropColumn(customers, "address")
                .build();
        // end::first-plan[]
        return plan;
    }

    // tag::first-plan-part[]
    static SqlExpression part(int n) {
        return SqlExpression.trusted("trim(split_part(address, ',', " + n + "))");
    }
    // end::first-plan-part[]

    @Test
    void phaseByPhase_bothVersionsWork_endsContracted() throws Exception {
        MigrationPlan plan = addressSplit();

        // tag::create-migrator[]
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        // end::create-migrator[]

        // tag::expand[]
        PlanStatus status = migrator.expand(plan);
        log.info("{}", status); // Plan 'customers-address-split': EXPANDED (...)
        // end::expand[]
        assertThat(status.state()).isEqualTo(PlanState.EXPANDED);
        assertThat(status.newVersionMayRun()).isFalse();
        DocOutputs.check(PAGE, "status-expanded", status.toString());

        DocsDatabase.run(dataSource, "customers.sql", "v1-writes");
        DocOutputs.check(PAGE, "v2-reads", DocsDatabase.query(dataSource, "customers.sql", "v2-reads"));

        // tag::backfill[]
        BackfillReport report = migrator.backfill(
                plan,
                progress -> log.info(
                        "{}: {} of ~{} rows, {} rows/s",
                        progress.stepId(),
                        progress.rowsDone(),
                        progress.rowsEstimated(),
                        Math.round(progress.rowsPerSecond())));
        log.info("{}", report);
        // end::backfill[]
        assertThat(report.rowsFilled()).isEqualTo(5);
        assertThat(migrator.status(plan).newVersionMayRun()).isTrue(); // version 2 may start now
        DocOutputs.check(PAGE, "backfill-report", report.toString());

        // tag::verify[]
        VerifyReport verification = migrator.verify(plan);
        log.info("{}", verification);
        boolean safeToContract = verification.contractable(); // no inconsistent row, nothing unmapped
        // end::verify[]
        assertThat(safeToContract).isTrue();
        DocOutputs.check(PAGE, "verify-report", verification.toString());

        DocsDatabase.run(dataSource, "customers.sql", "v2-writes");
        DocOutputs.check(PAGE, "v1-reads", DocsDatabase.query(dataSource, "customers.sql", "v1-reads"));

        // tag::status[]
        PlanStatus now = migrator.status(plan); // reads tandem.plans; takes no lock, changes nothing
        log.info("{}", now);
        // end::status[]
        DocOutputs.check(PAGE, "status-verified", now.toString());

        // tag::contract[]
        migrator.contract(plan); // verifies again, refused unless all is consistent; drops the triggers and address
        // end::contract[]
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.CONTRACTED);
    }

    @Test
    void explain_beforeAnythingRuns_printsEveryStatementWithItsLock() {
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        MigrationPlan plan = addressSplit();
        // tag::explain[]
        PlanExplanation explanation = migrator.explain(plan); // reads the catalog, changes nothing
        log.info("{}", explanation);
        // end::explain[]
        DocOutputs.check(PAGE, "explain", explanation.toString());
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.PENDING);
    }

    @Test
    void rollback_afterExpand_keepsWhatVersionOneWrote() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        MigrationPlan plan = addressSplit();
        migrator.expand(plan);
        DocsDatabase.run(dataSource, "customers.sql", "v1-writes");

        // tag::rollback[]
        PlanStatus rolledBack = migrator.rollback(plan); // any time before contract
        // end::rollback[]

        assertThat(rolledBack.state()).isEqualTo(PlanState.ROLLED_BACK);
        // address was nullable and stays so: explain's restore-not-null units run only for a relaxed column
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT attnotnull FROM pg_attribute"
                        + " WHERE attrelid = 'customers'::regclass AND attname = 'address'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isFalse();
        }
        DocOutputs.check(PAGE, "after-rollback", DocsDatabase.query(dataSource, "customers.sql", "after-rollback"));
    }

    @Test
    void runTo_contracted_runsEveryPhaseInOneCall() {
        PostgresMigrator migrator = PostgresMigrator.create(dataSource);
        MigrationPlan plan = addressSplit();
        // tag::run-to[]
        migrator.runTo(plan, PlanState.VERIFIED); // expand, backfill, verify; skips what is done
        // ... deploy the new version, retire the old one ...
        migrator.runTo(plan, PlanState.CONTRACTED);
        // end::run-to[]
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.CONTRACTED);
    }
}
