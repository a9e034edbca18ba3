package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanStateException;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.postgres.Apps.Address;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Malformed and oversized addresses: recorded, reported and blocking contract under RECORD; rejected under REJECT. */
class UnmappedIT {

    static final String MISSING_STATE = "1 A St, Town, 90001";
    static final String STATE_TOO_LONG = "1 A St, Town, California, 90001";
    static final String STREET_TOO_LONG = "x".repeat(300) + ", Town, CA, 90001";

    TestDatabase db;
    DataSource ds;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("unmapped");
        ds = db.dataSource();
        Db.customers(ds, 2_000);
        // malformed rows from before the migration, found by the backfill
        Db.exec(ds, "UPDATE customers SET address = '" + MISSING_STATE + "' WHERE id = 10");
        Db.exec(ds, "UPDATE customers SET address = '" + STATE_TOO_LONG + "' WHERE id = 20");
        Db.exec(ds, "UPDATE customers SET address = NULL WHERE id = 30");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void record_oldVersionNeverFails_rowsReported_contractRefusedUntilFixed() throws Exception {
        MigrationPlan plan = Plans.addressPlan(UnmappedPolicy.RECORD);
        PostgresMigrator migrator =
                PostgresMigrator.create(ds, PostgresOptions.defaults().withBatchSizes(500, 100, 500));
        migrator.expand(plan);
        Apps.V1 v1 = new Apps.V1(ds);
        Apps.V2 v2 = new Apps.V2(ds);

        long inserted = v1.insert("Long", "long@example.com", STREET_TOO_LONG);
        v1.updateAddress(40, MISSING_STATE);
        assertThat(v1.address(40)).isEqualTo(MISSING_STATE);
        assertThat(v2.address(40)).isEqualTo(new Address(null, null, null, null));

        BackfillReport backfill = migrator.backfill(plan);
        // the batches holding id 20 and the inserted row could not be mapped in one statement: each was split in
        // halves down to the row that fails, which was recorded
        assertThat(backfill.rowwiseBatches()).isEqualTo(2);

        VerifyReport report = migrator.verify(plan);
        assertThat(report.inconsistentRows()).isZero();
        assertThat(report.unmappedRows()).isEqualTo(4);
        assertThat(report.unmappedSample())
                .extracting(u -> u.key().get(0), UnmappedRow::sqlState, UnmappedRow::reason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("10", null, "the plan's mappableWhen condition is false"),
                        org.assertj.core.groups.Tuple.tuple(
                                "20",
                                "22001",
                                "column \"state\" (character varying(2)): value too long for type character"
                                        + " varying(2); computed value 'California' (10 characters)"),
                        org.assertj.core.groups.Tuple.tuple(
                                String.valueOf(inserted),
                                "22001",
                                "column \"street_address\" (character varying(255)): value too long for type"
                                        + " character varying(255); computed value '" + "x".repeat(100)
                                        + "...' (300 characters)"),
                        org.assertj.core.groups.Tuple.tuple("40", null, "the plan's mappableWhen condition is false"));
        assertThat(v2.address(30)).isEqualTo(new Address(null, null, null, null)); // NULL address is not unmapped

        assertThatThrownBy(() -> migrator.contract(plan))
                .isInstanceOfSatisfying(
                        PlanStateException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONTRACT_REFUSED))
                .hasMessageStartingWith("Contract of plan 'customers-address-split' refused: the last verification did"
                        + " not pass, and 4 values could not be mapped (")
                .hasMessageContaining("Nothing was changed. [TANDEM-0420]");
        assertThat(Db.columns(ds, "customers")).contains("address");

        // an operator fixes the values through the old version; the next verification forgets their records
        for (long id : new long[] {10, 20, 40, inserted}) {
            v1.updateAddress(id, id + " Fixed St, Town, CA, 90001");
        }
        VerifyReport fixed = migrator.verify(plan);
        assertThat(fixed.unmappedRows()).isZero();
        assertThat(fixed.contractable()).isTrue();
        assertThat(migrator.contract(plan).state()).isEqualTo(PlanState.CONTRACTED);
        assertThat(v2.address(20)).isEqualTo(new Address("20 Fixed St", "Town", "CA", "90001"));
    }

    @Test
    void backfill_writerFixesARowTheBatchIsRecording_leavesNoStaleRecord() throws Exception {
        MigrationPlan plan = Plans.addressPlan(UnmappedPolicy.RECORD);
        Db.exec(ds, "UPDATE customers SET address = '1 Good St, Town, CA, 90001' WHERE id = 20");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(plan);
        // an operator fixes malformed row 10 in a transaction that is still open while the backfill passes the row
        try (java.sql.Connection operator = db.newDataSource(1, "operator").getConnection()) {
            operator.setAutoCommit(false);
            try (java.sql.Statement s = operator.createStatement()) {
                s.executeUpdate("UPDATE customers SET address = '10 Fixed St, Town, CA, 90001' WHERE id = 10");
            }
            // the backfill takes no lock on a row it cannot map: it records it from what it sees, and goes on
            assertThat(migrator.backfill(plan).rowsFilled()).isEqualTo(1_999);
            assertThat(Db.count(ds, "SELECT count(*) FROM tandem.unmapped")).isEqualTo(1);
            operator.commit();
        }
        // the record is stale now; verification finds the row consistent and forgets it
        assertThat(migrator.verify(plan).contractable()).isTrue();
        assertThat(Db.count(ds, "SELECT count(*) FROM tandem.unmapped")).isZero();
        assertThat(new Apps.V2(ds).address(10)).isEqualTo(new Address("10 Fixed St", "Town", "CA", "90001"));
    }

    @Test
    void reject_backfillStopsAtTheFirstExistingRowItCannotMap_andResumesThereOnceFixed() throws Exception {
        MigrationPlan plan = Plans.addressPlan(UnmappedPolicy.REJECT);
        PostgresMigrator migrator =
                PostgresMigrator.create(ds, PostgresOptions.defaults().withBatchSizes(100, 100, 100));
        migrator.expand(plan);
        assertThatThrownBy(() -> migrator.backfill(plan))
                .isInstanceOfSatisfying(
                        dev.tandem.StepExecutionException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BACKFILL_FAILED))
                .hasMessageContaining("stopped at row (20) of \"public\".\"customers\", which the plan cannot map:"
                        + " column \"state\" (character varying(2)): value too long for type character varying(2);"
                        + " computed value 'California' (10 characters)")
                .hasMessageContaining("policy is REJECT");
        // the rows before it are filled; nothing was recorded
        assertThat(Db.count(
                        ds,
                        "SELECT count(*) FROM customers WHERE id < 20 AND id <> 10 AND id <> 30" + " AND city IS NULL"))
                .isZero();
        assertThat(Db.count(
                        ds,
                        "SELECT count(*) FROM tandem.unmapped WHERE direction = 'forward' AND sqlstate IS"
                                + " NOT NULL"))
                .isZero();

        new Apps.V1(ds).updateAddress(20, "20 Good St, Town, CA, 90001");
        assertThat(migrator.backfill(plan).rowsFilled()).isPositive();
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE city IS NULL AND address IS NOT NULL"))
                .isEqualTo(1); // row 10, whose value the plan's condition rejects: recorded, for verify to report
    }

    @Test
    void reject_oldVersionWriteOfUnmappableValue_failsWithClearError() throws Exception {
        MigrationPlan plan = Plans.addressPlan(UnmappedPolicy.REJECT);
        Db.exec(ds, "UPDATE customers SET address = '1 Good St, Town, CA, 90001' WHERE id IN (10, 20)");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(plan);
        Apps.V1 v1 = new Apps.V1(ds);

        assertThatThrownBy(() -> v1.insert("Bad", "bad@example.com", MISSING_STATE))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23514"))
                .hasMessageContaining("Tandem plan customers-address-split (customers.address/sync): cannot map forward"
                        + " the value '" + MISSING_STATE + "' of \"address\" in \"public\".\"customers\" row (")
                .hasMessageContaining("the plan's mappableWhen condition is false [TANDEM-0500]")
                .hasMessageContaining("The plan's unmapped-value policy is REJECT");
        assertThatThrownBy(() -> v1.updateAddress(5, STATE_TOO_LONG))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22001"))
                .hasMessageContaining("value too long for type character varying(2) [TANDEM-0500]");
        assertThat(v1.address(5)).isEqualTo("5 Main St, Springfield, IL, 00005");
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE email = 'bad@example.com'"))
                .isZero();
        // a mappable write still works
        long ok = v1.insert("Good", "good@example.com", "9 Good St, Town, CA, 90001");
        assertThat(new Apps.V2(ds).address(ok)).isEqualTo(new Address("9 Good St", "Town", "CA", "90001"));
    }
}
