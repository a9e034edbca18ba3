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
    void header_shortLabels() {
        assertThat(List.of(CompatibilityState.values()))
                .extracting(Matrix::header)
                .containsExactly(
                        "before", "expanded", "backfilling", "verified", "contracted", "rb-expanded", "rb-backfilled");
    }
}
