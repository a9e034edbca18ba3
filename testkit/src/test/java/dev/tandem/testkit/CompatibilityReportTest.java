package dev.tandem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.postgres.PlanState;
import dev.tandem.testkit.CompatibilityReport.Check;
import dev.tandem.testkit.CompatibilityReport.Outcome;
import dev.tandem.testkit.CompatibilityReport.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompatibilityReportTest {
    private static final Check EXPAND =
            new Check(CompatibilityState.EXPANDED, Role.PLAN, "plan", "expand", Outcome.PASSED, "");
    private static final Check V1_BEFORE =
            new Check(CompatibilityState.BEFORE_EXPAND, Role.OLD, "v1", "insert customer", Outcome.PASSED, "");
    private static final Check V1_EXPANDED = new Check(
            CompatibilityState.EXPANDED,
            Role.OLD,
            "v1",
            "insert customer",
            Outcome.FAILED,
            "SQLState 42703: ERROR: column \"address\" does not exist");
    private static final Check CROSS = new Check(
            CompatibilityState.CONTRACTED,
            Role.OLD_TO_NEW,
            "v1 -> v2",
            "read customer",
            Outcome.FAILED,
            "'seed-old-1' (written by v1 in BEFORE_EXPAND): v2 reads null but v1 wrote x");
    private static final Check SKIPPED = new Check(
            CompatibilityState.ROLLED_BACK_FROM_EXPANDED, Role.PLAN, "plan", "reach state", Outcome.SKIPPED, "no db");

    private static final CompatibilityReport FAILED =
            new CompatibilityReport("p", "v1", "v2", List.of(V1_BEFORE, EXPAND, V1_EXPANDED, CROSS, SKIPPED));

    @Test
    void failures_listsFailedChecksInOrder() {
        assertThat(FAILED.compatible()).isFalse();
        assertThat(FAILED.failures()).containsExactly(V1_EXPANDED, CROSS);
        assertThat(FAILED.failures(CompatibilityState.CONTRACTED)).containsExactly(CROSS);
        assertThat(FAILED.firstFailingState()).contains(CompatibilityState.EXPANDED);
    }

    @Test
    void check_toString_failureShowsTheError_passShowsTheOutcome() {
        assertThat(V1_EXPANDED)
                .hasToString(
                        "EXPANDED | v1 | insert customer: SQLState 42703: ERROR: column \"address\" does not exist");
        assertThat(EXPAND).hasToString("EXPANDED | plan | expand: passed");
        assertThat(SKIPPED).hasToString("ROLLED_BACK_FROM_EXPANDED | plan | reach state: skipped (no db)");
    }

    @Test
    void assertCompatible_failures_throwsWithTheMatrixFirstThenEveryFailure() {
        assertThatThrownBy(FAILED::assertCompatible)
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("""
                        Compatibility of plan 'p' (old version v1, new version v2): 2 of 5 checks failed.

                        version   operation       | before | expanded | backfilling | verified | contracted \
                        | rb-expanded | rb-backfilled
                        ---""")
                .hasMessageContaining("\nplan      expand          | -      | ok       | -           | -        | -  ")
                .hasMessageContaining("\nplan      reach state     | -      | -        | -           | -        | -  "
                        + "        | skip        | -            \n")
                .hasMessageContaining("\nv1        insert customer | ok     | FAIL     | -           | -        | -  ")
                .hasMessageContaining("\nv1 -> v2  read customer   | -      | -        | -           | -        | FAIL")
                .hasMessageContaining("""
                        ok = passed, FAIL = failed, skip = not reached (an earlier phase failed), - = not run (not \
                        required in that state)
                        may run: yes / no = whether Tandem lets the version run in that state (PlanStatus); where it \
                        says no, the version was not run, unless probed: (fail) = a probe failed, not ready \
                        (informational)
                        rb-expanded / rb-backfilled = rolled back from expanded / from backfilled+verified

                        Failures (a cause that repeats is listed once, with every state it failed in):
                          1. EXPANDED | v1 | insert customer: SQLState 42703: ERROR: column "address" does not exist
                          2. CONTRACTED | v1 -> v2 | read customer: 'seed-old-1' (written by v1 in BEFORE_EXPAND): \
                        v2 reads null but v1 wrote x
                        """);
    }

    @Test
    void toString_oneCauseInSeveralStates_isListedOnceWithEveryState() {
        Check again = new Check(
                CompatibilityState.ROLLED_BACK_FROM_EXPANDED,
                Role.OLD,
                "v1",
                "insert customer",
                Outcome.FAILED,
                "SQLState 42703: ERROR: column \"address\" does not exist");
        Check otherKey = new Check(
                CompatibilityState.CONTRACTED,
                Role.OLD_TO_NEW,
                "v1 -> v2",
                "read customer",
                Outcome.FAILED,
                "'seed-old-7' (written by v1 in BEFORE_EXPAND): v2 reads null but v1 wrote x");
        CompatibilityReport report = new CompatibilityReport(
                "p", "v1", "v2", List.of(V1_BEFORE, EXPAND, V1_EXPANDED, CROSS, otherKey, again));

        assertThat(report.failures()).hasSize(4);
        assertThat(report.toString()).contains("""
                          1. EXPANDED, ROLLED_BACK_FROM_EXPANDED | v1 | insert customer: SQLState 42703: ERROR: \
                        column "address" does not exist
                          2. CONTRACTED | v1 -> v2 | read customer: 'seed-old-1' (written by v1 in BEFORE_EXPAND): \
                        v2 reads null but v1 wrote x
                        """).doesNotContain("  3. ");
    }

    @Test
    void notReady_probeFailures_listedButNotFailures() {
        Check mayRun = new Check(
                CompatibilityState.EXPANDED,
                Role.NEW,
                "v2",
                CompatibilityReport.MAY_RUN,
                Outcome.NOT_ALLOWED,
                "plan EXPANDED: the new version may not run before the backfill is complete; probed");
        Check early = new Check(
                CompatibilityState.EXPANDED,
                Role.OLD_TO_NEW,
                "v1 -> v2",
                "read customer",
                Outcome.NOT_READY,
                "'seed-old-1' (written by v1 in BEFORE_EXPAND): v2 reads null but v1 wrote x");
        Check v1 = new Check(
                CompatibilityState.EXPANDED,
                Role.OLD,
                "v1",
                CompatibilityReport.MAY_RUN,
                Outcome.PASSED,
                "plan EXPANDED");
        CompatibilityReport report = new CompatibilityReport("p", "v1", "v2", List.of(EXPAND, v1, mayRun, early));

        assertThat(report.compatible()).isTrue();
        assertThat(report.failures()).isEmpty();
        assertThat(report.notReady()).containsExactly(early);
        assertThat(report.allowedVersions(CompatibilityState.EXPANDED)).containsExactly("v1");
        assertThat(report.allowedVersions(CompatibilityState.CONTRACTED)).isEmpty();
        assertThat(report.assertCompatible()).isSameAs(report);
        assertThat(early)
                .hasToString("EXPANDED | v1 -> v2 | read customer: not ready: 'seed-old-1' (written by v1 in"
                        + " BEFORE_EXPAND): v2 reads null but v1 wrote x");
        assertThat(mayRun)
                .hasToString("EXPANDED | v2 | may run: not allowed, not run (plan EXPANDED: the new version may not"
                        + " run before the backfill is complete; probed)");
        assertThat(report.toString())
                .startsWith("Compatibility of plan 'p' (old version v1, new version v2): all 2 checks passed;"
                        + " 1 probe not ready (informational).\n")
                .contains("\nVersions Tandem lets run (PlanStatus); the others were not run there, unless probed:\n"
                        + "  EXPANDED  v1; not v2 (plan EXPANDED: the new version may not run before the backfill is"
                        + " complete; probed)\n")
                .contains("\nNot ready (probed where Tandem says the version may not run; informational, not"
                        + " failures):\n  1. EXPANDED | v1 -> v2 | read customer: not ready: 'seed-old-1'")
                .contains("\nv2        may run       | -      | no       |")
                .contains("\nv1 -> v2  read customer | -      | (fail)   |");
    }

    @Test
    void assertCompatible_allPassed_returnsTheReport() {
        CompatibilityReport passed = new CompatibilityReport("p", "v1", "v2", List.of(V1_BEFORE, EXPAND));

        assertThat(passed.assertCompatible()).isSameAs(passed);
        assertThat(passed.firstFailingState()).isEmpty();
        assertThat(passed.toString())
                .startsWith("Compatibility of plan 'p' (old version v1, new version v2): all 2" + " checks passed.\n");
    }

    @Test
    void states_knowWhichVersionMayRun_asPlanStatusSays() {
        assertThat(CompatibilityState.values())
                .filteredOn(CompatibilityState::oldVersionMustWork)
                .containsExactly(
                        CompatibilityState.BEFORE_EXPAND,
                        CompatibilityState.EXPANDED,
                        CompatibilityState.BACKFILLING,
                        CompatibilityState.BACKFILLED_VERIFIED,
                        CompatibilityState.ROLLED_BACK_FROM_EXPANDED,
                        CompatibilityState.ROLLED_BACK_FROM_BACKFILLED);
        // The new version only once the backfill is complete (issue 6 §2.4).
        assertThat(CompatibilityState.values())
                .filteredOn(CompatibilityState::newVersionMustWork)
                .containsExactly(CompatibilityState.BACKFILLED_VERIFIED, CompatibilityState.CONTRACTED);
        assertThat(CompatibilityState.values())
                .extracting(CompatibilityState::planState)
                .containsExactly(
                        PlanState.PENDING,
                        PlanState.EXPANDED,
                        PlanState.BACKFILLING,
                        PlanState.VERIFIED,
                        PlanState.CONTRACTED,
                        PlanState.ROLLED_BACK,
                        PlanState.ROLLED_BACK);
        assertThat(CompatibilityState.values())
                .filteredOn(CompatibilityState::backfillDone)
                .containsExactly(CompatibilityState.BACKFILLED_VERIFIED, CompatibilityState.CONTRACTED);
    }
}
