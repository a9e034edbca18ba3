package dev.tandem.testkit.docs;

// The probe section and the sample reports of testkit/README.md: the tagged region is shown there (DocsSnippetsTest
// keeps the two equal), and each report checks the page's output block of the same name (ReadmeOutputs).

import static dev.tandem.testkit.docs.CustomersAddressCompatibilityIT.CUSTOMERS;
import static dev.tandem.testkit.docs.CustomersAddressCompatibilityIT.PLAN;
import static dev.tandem.testkit.docs.CustomersAddressCompatibilityIT.V1;
import static dev.tandem.testkit.docs.CustomersAddressCompatibilityIT.V2;
import static dev.tandem.testkit.docs.CustomersAddressCompatibilityIT.exec;
import static dev.tandem.testkit.docs.CustomersAddressCompatibilityIT.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.testkit.CompatibilityHarness;
import dev.tandem.testkit.CompatibilityReport;
import dev.tandem.testkit.CompatibilityState;
import dev.tandem.testkit.DatabaseAction;
import dev.tandem.testkit.TandemTest;
import org.junit.jupiter.api.Test;

@TandemTest
class NotReadyProbeIT {

    // The schema and seed rows of CustomersAddressCompatibilityIT.bothVersionsWorkAtEveryState.
    static final DatabaseAction SCHEMA = ds -> exec(
            ds,
            "CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL,"
                    + " email text NOT NULL UNIQUE, address text)");
    static final DatabaseAction SEED = ds -> exec(
            ds,
            "INSERT INTO customers (name, email, address) SELECT 'c' || g, g || '@example.com',"
                    + " g || ' Main St, Springfield, IL, 62701' FROM generate_series(1, 100) g");

    @Test
    void newVersionBeforeTheBackfill_isNotReady(CompatibilityHarness harness) {
        // tag::probe[]
        CompatibilityReport report = harness.check(PLAN)
                .schema(SCHEMA)
                .seed(SEED)
                .oldVersion(V1)
                .newVersion(V2)
                // also run v2 where Tandem says it may not run yet; what fails there is "not ready", not a failure
                .probeNotReady(CompatibilityState.EXPANDED, CompatibilityState.BACKFILLING)
                .assertCompatible();

        assertThat(report.allowedVersions(CompatibilityState.EXPANDED)).containsExactly("v1");
        assertThat(report.notReady()) // v2 reads the rows from before expand without their address
                .anyMatch(c -> c.state() == CompatibilityState.EXPANDED
                        && c.operation().equals("read customer"));
        // end::probe[]
        ReadmeOutputs.check("probe-not-ready", report.toString());
    }

    @Test
    void lossyBackward_failsWhereTheNewVersionWrites(CompatibilityHarness harness) {
        // The page's plan with a backward expression that drops the ZIP code.
        MigrationPlan lossy = MigrationPlan.named("lossy-backward")
                .deriveColumns(DeriveColumns.on(CUSTOMERS)
                        .from("address")
                        .into("street_address", ColumnType.varchar(255), sql("trim(split_part(address, ',', 1))"))
                        .into("city", ColumnType.varchar(100), sql("trim(split_part(address, ',', 2))"))
                        .into("state", ColumnType.varchar(2), sql("trim(split_part(address, ',', 3))"))
                        .into("zip_code", ColumnType.varchar(10), sql("trim(split_part(address, ',', 4))"))
                        .backward("address", sql("concat_ws(', ', street_address, city, state)"))
                        .mappableWhen(sql("address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$'")))
                .dropColumn(CUSTOMERS, "address")
                .build();

        CompatibilityReport report = harness.check(lossy)
                .schema(SCHEMA)
                .seed(SEED)
                .oldVersion(V1)
                .newVersion(V2)
                .run();

        assertThat(report.compatible()).as("%s", report).isFalse();
        assertThat(report.firstFailingState()).contains(CompatibilityState.BACKFILLED_VERIFIED);
        ReadmeOutputs.check("lossy-backward", report.toString());
    }
}
