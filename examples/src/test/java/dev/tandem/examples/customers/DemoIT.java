package dev.tandem.examples.customers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.postgres.PlanState;
import dev.tandem.testkit.database.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoIT {

    TestDatabase db;

    @BeforeEach
    void setUp() {
        db = Databases.fresh("demo_it");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void run_smallStory_bothVersionsWithoutErrorsAndContracted() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        // A pause between batches makes the backfill of 5,000 rows last long enough for version 1 to write meanwhile.
        Demo.Settings settings = Demo.Settings.defaults()
                .withRows(5_000)
                .withPhasesOf(Duration.ofSeconds(1))
                .withBackfillPause(Duration.ofMillis(100));

        Demo.Result result;
        try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            result = Demo.run(db, settings, out);
        }

        String output = text.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        assertThat(result.v1().errors())
                .as(result.v1().errorSamples().toString())
                .isZero();
        assertThat(result.v2().errors())
                .as(result.v2().errorSamples().toString())
                .isZero();
        assertThat(result.v1().byOperation())
                .allSatisfy((op, n) -> assertThat(n).as(op).isPositive());
        assertThat(result.v2().byOperation())
                .allSatisfy((op, n) -> assertThat(n).as(op).isPositive());
        assertThat(result.crossChecks().checks()).isPositive();
        assertThat(result.crossChecks().mismatches())
                .as(result.crossChecks().samples().toString())
                .isZero();
        assertThat(result.finalState()).isEqualTo(PlanState.CONTRACTED);
        assertThat(result.success()).isTrue();
        // Version 2 started only once Tandem let it (after the backfill); version 1 kept writing during the backfill.
        assertThat(result.versionTwoStartedIn()).isIn(PlanState.BACKFILLED, PlanState.VERIFIED);
        assertThat(result.versionOneDuringBackfill()).isPositive();
        assertThat(output)
                .containsSubsequence(
                        "Tandem says: version 1 may run, version 2 may not yet (plan PENDING)",
                        "Expand",
                        "Tandem says: version 1 may run, version 2 may not yet (plan EXPANDED)",
                        "Backfill the existing rows",
                        "Tandem says: versions 1 and 2 may run (plan BACKFILLED)",
                        "Version 2 starts, as Tandem now allows",
                        "REFUSED, as it must be: Contract of plan 'customers-address-split' refused",
                        "Version 1 retires",
                        "values still recorded as unmapped: a fix does not clear its record",
                        "Verify again: forgets the fixed rows",
                        "0 inconsistent, 0 unmapped -> contract may run",
                        "Tandem says: version 2 may run, version 1 may not any more (plan CONTRACTED)",
                        "version 1 cannot run any more, as intended",
                        "final state: CONTRACTED");
        assertThat(result.phases())
                .extracting(Demo.Phase::name)
                .anySatisfy(name -> assertThat(name).contains("Expand"))
                .anySatisfy(name -> assertThat(name).contains("Backfill"))
                .anySatisfy(name -> assertThat(name).contains("Contract: drop address"));
        assertThat(Databases.strings(
                        db.dataSource(),
                        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                                + " AND table_name = 'customers' ORDER BY ordinal_position"))
                .containsExactly(
                        "id",
                        "name",
                        "email",
                        "created_at",
                        "updated_at",
                        "street_address",
                        "city",
                        "state",
                        "zip_code");
    }
}
