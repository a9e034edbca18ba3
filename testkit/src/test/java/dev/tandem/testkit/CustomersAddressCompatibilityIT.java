package dev.tandem.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.testkit.CompatibilityReport.Check;
import dev.tandem.testkit.CompatibilityReport.Outcome;
import dev.tandem.testkit.CompatibilityReport.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

@TandemTest
class CustomersAddressCompatibilityIT {

    private static CompatibilityCheck check(CompatibilityHarness harness) {
        return harness.check(CustomersAddress.plan())
                .schema(CustomersAddress.SCHEMA)
                .seed(CustomersAddress.SEED)
                .oldVersion(CustomersAddress.v1())
                .newVersion(CustomersAddress.v2());
    }

    @Test
    void addressSplit_everyState_eachVersionWorksWhereTandemLetsItRun(CompatibilityHarness harness) {
        CompatibilityReport report = check(harness).assertCompatible();

        // Every state was reached and checked.
        assertThat(report.checks()).extracting(Check::state).contains(CompatibilityState.values());
        assertThat(report.checks()).noneMatch(c -> c.outcome() == Outcome.SKIPPED);
        assertThat(report.notReady()).isEmpty();
        // Each version ran exactly where the plan's status let it (issue 6 §2.4): the new one once the backfill is
        // done.
        assertThat(report.allowedVersions(CompatibilityState.BEFORE_EXPAND)).containsExactly("v1");
        assertThat(report.allowedVersions(CompatibilityState.EXPANDED)).containsExactly("v1");
        assertThat(report.allowedVersions(CompatibilityState.BACKFILLING)).containsExactly("v1");
        assertThat(report.allowedVersions(CompatibilityState.BACKFILLED_VERIFIED))
                .containsExactly("v1", "v2");
        assertThat(report.allowedVersions(CompatibilityState.CONTRACTED)).containsExactly("v2");
        assertThat(report.allowedVersions(CompatibilityState.ROLLED_BACK_FROM_EXPANDED))
                .containsExactly("v1");
        assertThat(report.allowedVersions(CompatibilityState.ROLLED_BACK_FROM_BACKFILLED))
                .containsExactly("v1");
        for (CompatibilityState early : List.of(
                CompatibilityState.BEFORE_EXPAND, CompatibilityState.EXPANDED, CompatibilityState.BACKFILLING)) {
            assertThat(report.checks())
                    .as("checks of v2 in %s", early)
                    .filteredOn(c -> c.state() == early && c.version().contains("v2"))
                    .singleElement()
                    .satisfies(c -> {
                        assertThat(c.operation()).isEqualTo(CompatibilityReport.MAY_RUN);
                        assertThat(c.outcome()).isEqualTo(Outcome.NOT_ALLOWED);
                        assertThat(c.detail())
                                .endsWith(": the new version may not run before the backfill is complete");
                    });
        }
        assertThat(report.checks())
                .filteredOn(c -> c.state() == CompatibilityState.CONTRACTED
                        && c.version().equals("v1"))
                .singleElement()
                .satisfies(c -> assertThat(c)
                        .hasToString("CONTRACTED | v1 | may run: not allowed, not run (plan CONTRACTED: the old"
                                + " version may not run once contract has started)"));
        // The old version kept writing while the backfill ran; the new version read all of it once it was done.
        assertThat(report.checks())
                .filteredOn(c -> c.state() == CompatibilityState.BACKFILLING
                        && c.operation().equals("backfill"))
                .singleElement()
                .satisfies(c -> assertThat(c.detail())
                        .matches("\\d+ rows in \\d+ batches; v1 ran [1-9]\\d* rounds meanwhile; v2 not run: it may"
                                + " not run yet"));
        assertThat(report.checks())
                .filteredOn(c -> c.state() == CompatibilityState.BACKFILLING && c.role() == Role.OLD)
                .extracting(Check::operation)
                .contains("write+read customer", "insert customer", "update address");
        assertThat(report.checks())
                .filteredOn(c -> c.state() == CompatibilityState.BACKFILLED_VERIFIED
                        && c.role() == Role.OLD_TO_NEW
                        && c.operation().equals("read customer"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.outcome()).isEqualTo(Outcome.PASSED);
                    // 20 seed records, 1 after expand, 1 per round of v1 during the backfill
                    assertThat(Integer.parseInt(c.detail().replace(" records", "")))
                            .isGreaterThan(22);
                });
        assertThat(report.toString())
                .contains("Versions Tandem lets run (PlanStatus); the others were not run there, unless probed:\n")
                .contains("  BACKFILLED_VERIFIED          v1, v2 (plan VERIFIED)\n");
    }

    @Test
    void addressSplit_newVersionProbedEarly_notReadyWithTheReasonButCompatible(CompatibilityHarness harness) {
        CompatibilityReport report = check(harness)
                .probeNotReady(CompatibilityState.EXPANDED, CompatibilityState.BACKFILLING)
                .assertCompatible();

        // Why v2 must wait: it reads the rows from before expand with their new columns still empty.
        assertThat(report.notReady())
                .filteredOn(c -> c.state() == CompatibilityState.EXPANDED)
                .anySatisfy(c -> assertThat(c.toString())
                        .startsWith("EXPANDED | v1 -> v2 | read customer: not ready: 'seed-old-")
                        .contains("v2 reads Address[street=null, city=null, state=null, zip=null] but v1 wrote"));
        assertThat(report.notReady())
                .allMatch(c -> c.state() == CompatibilityState.EXPANDED || c.state() == CompatibilityState.BACKFILLING);
        assertThat(report.failures()).isEmpty();
        // Still not allowed there: the probe ran it anyway and said so.
        assertThat(report.allowedVersions(CompatibilityState.EXPANDED)).containsExactly("v1");
        assertThat(report.checks())
                .filteredOn(c -> c.state() == CompatibilityState.EXPANDED
                        && c.role() == Role.NEW
                        && c.operation().equals(CompatibilityReport.MAY_RUN))
                .singleElement()
                .satisfies(c ->
                        assertThat(c.detail()).endsWith("; run anyway as a probe, failures reported as not ready"));
        // What v2 does that needs no old row works even early, and is reported so.
        assertThat(report.checks())
                .filteredOn(c -> c.state() == CompatibilityState.EXPANDED
                        && c.role() == Role.NEW
                        && c.operation().equals("insert customer"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.outcome()).isEqualTo(Outcome.PASSED);
                    assertThat(c.detail()).isEqualTo("probed where it may not run");
                });
        assertThat(report.checks())
                .filteredOn(c -> c.state() == CompatibilityState.BACKFILLING
                        && c.operation().equals("backfill"))
                .singleElement()
                .satisfies(c -> assertThat(c.detail())
                        .matches("\\d+ rows in \\d+ batches; v1 ran [1-9]\\d* rounds meanwhile; v2 \\(probed\\) ran"
                                + " [1-9]\\d* rounds meanwhile"));
        assertThat(report.toString())
                .containsPattern("checks passed; \\d+ probes? not ready \\(informational\\)\\.\n")
                .contains("\nNot ready (probed where Tandem says the version may not run; informational, not"
                        + " failures):\n");
    }
}
