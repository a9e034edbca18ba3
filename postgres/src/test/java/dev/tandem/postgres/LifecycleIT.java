package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.Apps.Address;
import dev.tandem.testkit.database.TestDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LifecycleIT {

    TestDatabase db;
    DataSource ds;
    PostgresMigrator migrator;
    final MigrationPlan plan = Plans.addressPlan();

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("lifecycle");
        ds = db.dataSource();
        Db.customers(ds, 5_000);
        migrator = PostgresMigrator.create(ds, PostgresOptions.defaults().withBatchSizes(500, 100, 2_000));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void fullLifecycle_bothVersionsWorkAndEveryPhaseIsIdempotent() throws Exception {
        Apps.V1 v1 = new Apps.V1(ds);
        Apps.V2 v2 = new Apps.V2(ds);

        assertThat(migrator.expand(plan).state()).isEqualTo(PlanState.EXPANDED);
        assertThat(migrator.expand(plan).state()).isEqualTo(PlanState.EXPANDED);
        assertThat(Db.columns(ds, "customers")).contains("address", "street_address", "city", "state", "zip_code");

        // v1 writes reach v2's columns, v2 writes reach v1's column: no dual-write code in either app
        long fromV1 = v1.insert("One", "one@example.com", "1 First St, Boston, MA, 02101");
        assertThat(v2.address(fromV1)).isEqualTo(new Address("1 First St", "Boston", "MA", "02101"));
        long fromV2 = v2.insert("Two", "two@example.com", new Address("2 Second Ave", "Denver", "CO", "80201"));
        assertThat(v1.address(fromV2)).isEqualTo("2 Second Ave, Denver, CO, 80201");
        v1.updateAddress(fromV2, "3 Third Rd, Austin, TX, 73301");
        assertThat(v2.address(fromV2)).isEqualTo(new Address("3 Third Rd", "Austin", "TX", "73301"));
        v2.update(fromV1, new Address("4 Fourth Blvd", "Miami", "FL", "33101"));
        assertThat(v1.address(fromV1)).isEqualTo("4 Fourth Blvd, Miami, FL, 33101");
        // a write touching neither side keeps both
        v2.rename(fromV1, "Renamed");
        assertThat(v1.address(fromV1)).isEqualTo("4 Fourth Blvd, Miami, FL, 33101");

        BackfillReport report = migrator.backfill(plan);
        assertThat(report.rowsFilled()).isEqualTo(5_000);
        assertThat(migrator.backfill(plan).rowsFilled()).isZero();
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE street_address IS NULL"))
                .isZero();
        assertThat(new Apps.V2(ds).address(42)).isEqualTo(new Address("42 Main St", "Springfield", "IL", "00042"));

        VerifyReport verify = migrator.verify(plan);
        assertThat(verify.rowsChecked()).isEqualTo(5_002);
        assertThat(verify.inconsistentRows()).isZero();
        assertThat(verify.unmappedRows()).isZero();
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.VERIFIED);

        assertThat(migrator.contract(plan).state()).isEqualTo(PlanState.CONTRACTED);
        assertThat(migrator.contract(plan).state()).isEqualTo(PlanState.CONTRACTED);
        assertThat(Db.columns(ds, "customers")).doesNotContain("address");
        assertThat(Db.triggers(ds, "customers")).isZero();
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'tandem'::regnamespace"))
                .isZero();
        // v2 keeps working after contract
        long after = v2.insert("Three", "three@example.com", new Address("5 Fifth St", "Reno", "NV", "89501"));
        assertThat(v2.address(after)).isEqualTo(new Address("5 Fifth St", "Reno", "NV", "89501"));
        assertThat(Db.count(ds, "SELECT count(*) FROM tandem.events WHERE plan_id = ? AND outcome = 'ok'", plan.id()))
                .isGreaterThanOrEqualTo(7);
    }

    @Test
    void partialNewSideWrite_beforeTheBackfillReachesTheRow_keepsTheRestOfTheAddress() throws Exception {
        migrator.expand(plan);
        // version 2 changes only the city of a row the backfill has not filled yet
        Db.exec(ds, "UPDATE customers SET city = 'Brooklyn' WHERE id = 1");
        assertThat(new Apps.V1(ds).address(1)).isEqualTo("1 Main St, Brooklyn, IL, 00001");
        assertThat(new Apps.V2(ds).address(1)).isEqualTo(new Address("1 Main St", "Brooklyn", "IL", "00001"));
        migrator.backfill(plan);
        assertThat(migrator.verify(plan).contractable()).isTrue();
    }

    @Test
    void runTo_contracted_runsEveryPhase() {
        assertThat(migrator.runTo(plan, PlanState.CONTRACTED).state()).isEqualTo(PlanState.CONTRACTED);
        assertThat(migrator.status(plan).rowsBackfilled()).isEqualTo(5_000);
    }
}
