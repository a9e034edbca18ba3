package dev.tandem.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.testkit.CompatibilityReport.Check;
import dev.tandem.testkit.CompatibilityReport.Outcome;
import dev.tandem.testkit.CompatibilityReport.Role;
import dev.tandem.testkit.CompatibilityState;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatrixTest {
    @Test
    void table_rowsGroupedByRole_failureWinsInACell() {
        List<Check> checks = List.of(
                new Check(CompatibilityState.EXPANDED, Role.NEW_TO_OLD, "v2 -> v1", "read c", Outcome.PASSED, ""),
                new Check(CompatibilityState.EXPANDED, Role.OLD, "v1", "insert", Outcome.PASSED, ""),
                new Check(CompatibilityState.EXPANDED, Role.OLD, "v1", "insert", Outcome.FAILED, "x"),
                new Check(CompatibilityState.EXPANDED, Role.PLAN, "plan", "expand", Outcome.PASSED, ""));

        String table = Matrix.table(checks);

        assertThat(table.lines())
                .extracting(l -> l.substring(0, 17))
                .containsExactly(
                        "version   operati",
                        "-----------------",
                        "plan      expand ",
                        "v1        insert ",
                        "v2 -> v1  read c ");
        assertThat(table.lines().toList().get(3)).contains("| -      | FAIL     |");
    }

    @Test
    void table_mayRunRow_yesOrNo_probeFailureInParentheses() {
        List<Check> checks = List.of(
                new Check(CompatibilityState.EXPANDED, Role.OLD, "v1", "may run", Outcome.PASSED, "plan EXPANDED"),
                new Check(CompatibilityState.EXPANDED, Role.NEW, "v2", "may run", Outcome.NOT_ALLOWED, "plan EXPANDED"),
                new Check(CompatibilityState.EXPANDED, Role.NEW, "v2", "insert", Outcome.NOT_READY, "x"),
                new Check(CompatibilityState.CONTRACTED, Role.NEW, "v2", "may run", Outcome.PASSED, "plan CONTRACTED"),
                new Check(CompatibilityState.CONTRACTED, Role.NEW, "v2", "insert", Outcome.PASSED, ""));

        List<String> lines = Matrix.table(checks).lines().toList();

        assertThat(lines.get(2)).startsWith("v1       may run   | -      | yes      | -           | -        | -  ");
        assertThat(lines.get(3)).startsWith("v2       may run   | -      | no       | -           | -        | yes");
        assertThat(lines.get(4)).startsWith("v2       insert    | -      | (fail)   | -           | -        | ok ");
    }

    @Test
    void versions_perState_allowedAndNotRunWithTheReason() {
        List<Check> checks = List.of(
                new Check(CompatibilityState.EXPANDED, Role.OLD, "v1", "may run", Outcome.PASSED, "plan EXPANDED"),
                new Check(
                        CompatibilityState.EXPANDED,
                        Role.NEW,
                        "v2",
                        "may run",
                        Outcome.NOT_ALLOWED,
                        "plan EXPANDED: the new version may not run before the backfill is complete"),
                new Check(CompatibilityState.BACKFILLED_VERIFIED, Role.OLD, "v1", "may run", Outcome.PASSED, "p"),
                new Check(
                        CompatibilityState.BACKFILLED_VERIFIED,
                        Role.NEW,
                        "v2",
                        "may run",
                        Outcome.PASSED,
                        "plan VERIFIED"),
                new Check(CompatibilityState.EXPANDED, Role.PLAN, "plan", "expand", Outcome.PASSED, ""));

        assertThat(Matrix.versions(checks)).isEqualTo("""

                        Versions Tandem lets run (PlanStatus); the others were not run there, unless probed:
                          EXPANDED             v1; not v2 (plan EXPANDED: the new version may not run before the \
                        backfill is complete)
                          BACKFILLED_VERIFIED  v1, v2 (plan VERIFIED)
                        """);
        assertThat(Matrix.versions(checks.subList(4, 5))).isEmpty();
    }

    @Test
    void header_shortLabels() {
        assertThat(List.of(CompatibilityState.values()))
                .extracting(Matrix::header)
                .containsExactly(
                        "before", "expanded", "backfilling", "verified", "contracted", "rb-expanded", "rb-backfilled");
    }
}
