package dev.tandem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.testkit.CompatibilityReport.Outcome;
import dev.tandem.testkit.CompatibilityReport.Role;
import org.junit.jupiter.api.Test;

@TandemTest
class CustomersAddressCompatibilityIT {

    @Test
    void addressSplit_everyState_bothVersionsWork(CompatibilityHarness harness) {
        CompatibilityReport report = harness.check(CustomersAddress.plan())
                .schema(CustomersAddress.SCHEMA)
                .seed(CustomersAddress.SEED)
                .oldVersion(CustomersAddress.v1())
                .newVersion(CustomersAddress.v2())
                .assertCompatible();

        // Every state was reached and checked, and the versions wrote while the backfill ran.
        assertThat(report.checks()).extracting(CompatibilityReport.Check::state).contains(CompatibilityState.values());
        assertThat(report.checks()).noneMatch(c -> c.outcome() == Outcome.SKIPPED);
        assertThat(report.checks())
                .filteredOn(c -> c.state() == CompatibilityState.BACKFILLING)
                .extracting(CompatibilityReport.Check::role)
                .contains(Role.OLD, Role.NEW, Role.OLD_TO_NEW, Role.NEW_TO_OLD);
        assertThat(report.checks())
                .filteredOn(c -> c.state() == CompatibilityState.BACKFILLING
                        && c.operation().equals("backfill"))
                .singleElement()
                .satisfies(c -> assertThat(c.detail())
                        .matches("\\d+ rows in \\d+ batches; v1 ran [1-9]\\d* rounds"
                                + " meanwhile; v2 ran [1-9]\\d* rounds meanwhile"));
    }
}
