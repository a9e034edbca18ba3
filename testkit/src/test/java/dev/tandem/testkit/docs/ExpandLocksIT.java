package dev.tandem.testkit.docs;

// The code of the lock recorder section of testkit/README.md; DocsSnippetsTest keeps the two equal.

// tag::imports[]
import static dev.tandem.testkit.TandemAssertions.assertThat;
import static dev.tandem.testkit.TandemAssertions.assertThatSchema;

import dev.tandem.plan.TableName;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.testkit.LockRecorder;
import dev.tandem.testkit.TandemTest;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
// end::imports[]

@TandemTest
class ExpandLocksIT {
    static final TableName CUSTOMERS = CustomersAddressCompatibilityIT.CUSTOMERS;

    // tag::locks[]
    @Test
    void expandTakesOnlyShortLocks(DataSource ds, PostgresMigrator migrator, LockRecorder recorder) throws Exception {
        CustomersAddressCompatibilityIT.exec(
                ds, "CREATE TABLE customers (id serial PRIMARY KEY, name text, email text UNIQUE, address text)");

        migrator.expand(CustomersAddressCompatibilityIT.PLAN); // reports every unit of work to the recorder

        assertThat(recorder)
                .phase("expand")
                .takesNoLockBlockingReadsLongerThan(Duration.ofSeconds(2))
                .rewritesNoTable()
                .tookLock(CUSTOMERS, LockMode.ACCESS_EXCLUSIVE);
        assertThatSchema(ds)
                .hasColumn(CUSTOMERS, "street_address")
                .hasPlanInState(CustomersAddressCompatibilityIT.PLAN, PlanState.EXPANDED);

        migrator.rollback(CustomersAddressCompatibilityIT.PLAN);

        assertThatSchema(ds).doesNotHaveColumn(CUSTOMERS, "street_address").hasNoTandemLeftovers();
    }

    @Test
    void statementsRecordedOneByOne(DataSource ds, LockRecorder recorder) throws Exception {
        CustomersAddressCompatibilityIT.exec(ds, "CREATE TABLE orders (id serial PRIMARY KEY, qty integer)");

        assertThat(recorder.record("CREATE INDEX CONCURRENTLY orders_qty ON orders (qty)"))
                .takesNoLockBlockingWrites();
        assertThat(recorder.record("ALTER TABLE orders ALTER COLUMN qty TYPE bigint"))
                .tookLock(TableName.of("orders"), LockMode.ACCESS_EXCLUSIVE)
                .rewrote(TableName.of("orders"));
    }
    // end::locks[]
}
