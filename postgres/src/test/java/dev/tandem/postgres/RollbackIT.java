package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanStateException;
import dev.tandem.postgres.Apps.Address;
import dev.tandem.testkit.database.TestDatabase;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rollback before contract returns version 1's schema and loses nothing either version wrote to address. */
class RollbackIT {

    static final List<String> V1_COLUMNS = List.of("id", "name", "email", "address", "created_at", "updated_at");

    TestDatabase db;
    DataSource ds;
    final MigrationPlan plan = Plans.addressPlan();
    PostgresMigrator migrator;
    Apps.V1 v1;
    Apps.V2 v2;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("rollback");
        ds = db.dataSource();
        Db.customers(ds, 3_000);
        migrator = PostgresMigrator.create(ds);
        v1 = new Apps.V1(ds);
        v2 = new Apps.V2(ds);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    void assertBackToVersionOne() throws Exception {
        assertThat(Db.columns(ds, "customers")).containsExactlyElementsOf(V1_COLUMNS);
        assertThat(Db.triggers(ds, "customers")).isZero();
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'tandem'::regnamespace"))
                .isZero();
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.ROLLED_BACK);
        // version 1 works
        long id = v1.insert("After", "after@example.com", "8 After St, Omaha, NE, 68101");
        assertThat(v1.address(id)).isEqualTo("8 After St, Omaha, NE, 68101");
    }

    @Test
    void rollback_afterExpand_keepsEveryAddressWritten() throws Exception {
        migrator.expand(plan);
        long byV1 = v1.insert("V1", "v1@example.com", "1 One St, Akron, OH, 44301");
        long byV2 = v2.insert("V2", "v2@example.com", new Address("2 Two St", "Boise", "ID", "83701"));
        v2.update(7, new Address("7 Changed Ave", "Fargo", "ND", "58102"));

        assertThat(migrator.rollback(plan).state()).isEqualTo(PlanState.ROLLED_BACK);
        assertThat(migrator.rollback(plan).state()).isEqualTo(PlanState.ROLLED_BACK);

        assertBackToVersionOne();
        assertThat(v1.address(byV1)).isEqualTo("1 One St, Akron, OH, 44301");
        assertThat(v1.address(byV2)).isEqualTo("2 Two St, Boise, ID, 83701");
        assertThat(v1.address(7)).isEqualTo("7 Changed Ave, Fargo, ND, 58102");
        assertThat(v1.address(8)).isEqualTo("8 Main St, Springfield, IL, 00008");
    }

    @Test
    void rollback_afterBackfill_keepsEveryAddressWritten_andThePlanCanStartAgain() throws Exception {
        migrator.expand(plan);
        migrator.backfill(plan);
        v2.update(100, new Address("100 New Rd", "Helena", "MT", "59601"));
        long byV2 = v2.insert("V2", "v2@example.com", new Address("2 Two St", "Boise", "ID", "83701"));
        long addresses = Db.count(ds, "SELECT count(*) FROM customers WHERE address IS NOT NULL");

        migrator.rollback(plan);

        assertBackToVersionOne();
        assertThat(v1.address(100)).isEqualTo("100 New Rd, Helena, MT, 59601");
        assertThat(v1.address(byV2)).isEqualTo("2 Two St, Boise, ID, 83701");
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE address IS NOT NULL"))
                .isEqualTo(addresses + 1);

        // start -> rollback -> start -> complete
        assertThat(migrator.runTo(plan, PlanState.CONTRACTED).state()).isEqualTo(PlanState.CONTRACTED);
        assertThat(v2.address(100)).isEqualTo(new Address("100 New Rd", "Helena", "MT", "59601"));
    }

    @Test
    void rollback_afterContract_isRefused() {
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThatThrownBy(() -> migrator.rollback(plan))
                .isInstanceOfSatisfying(
                        PlanStateException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STATE_CONFLICT))
                .hasMessage("Cannot roll back plan 'customers-address-split': contract ran and dropped what the old"
                        + " version needs (customers.address/drop). Write a new plan to change the schema back."
                        + " [TANDEM-0400]");
    }

    @Test
    void rollback_neverStarted_doesNothing() throws Exception {
        assertThat(migrator.rollback(plan).state()).isEqualTo(PlanState.PENDING);
        assertThat(Db.columns(ds, "customers")).containsExactlyElementsOf(V1_COLUMNS);
    }
}
