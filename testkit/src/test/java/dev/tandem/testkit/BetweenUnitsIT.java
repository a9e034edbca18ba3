package dev.tandem.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlStatement;
import dev.tandem.testkit.CompatibilityReport.Check;
import dev.tandem.testkit.CompatibilityReport.Outcome;
import dev.tandem.testkit.CompatibilityReport.Role;
import dev.tandem.testkit.docs.ReadmeOutputs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The harness checks the versions between the units of a phase, not only between phases: plans that are compatible
 * in every state but break a version between two of their units must fail, naming the unit, and plans whose every
 * unit is safe must pass.
 */
@TandemTest
class BetweenUnitsIT {

    /**
     * A table rename done as two expand steps: between them the old version's {@code customers} is gone. (Raw SQL runs
     * with {@code pg_catalog} first on its search path, so a new object is named with its schema.)
     */
    static final MigrationPlan RENAME_IN_TWO_STEPS = MigrationPlan.named("rename-in-two-steps")
            .rawSql(
                    Phase.EXPAND,
                    sql("ALTER TABLE customers RENAME TO clients"),
                    sql("ALTER TABLE clients RENAME TO customers"),
                    "deliberately broken: v1 uses customers until the view exists")
            .rawSql(
                    Phase.EXPAND,
                    sql("CREATE VIEW public.customers AS SELECT * FROM clients"),
                    sql("DROP VIEW customers"),
                    "v1 keeps using customers through an updatable view")
            .rawSql(Phase.CONTRACT, sql("DROP VIEW customers"), null, "v1 no longer runs")
            .build();

    /**
     * The same rename the other way round: the view for the new name in expand, the real rename in contract, as two
     * steps; between them the new version's {@code clients} is gone.
     */
    static final MigrationPlan SWAP_IN_TWO_CONTRACT_STEPS = MigrationPlan.named("swap-in-two-contract-steps")
            .rawSql(
                    Phase.EXPAND,
                    sql("CREATE VIEW public.clients AS SELECT * FROM customers"),
                    sql("DROP VIEW clients"),
                    "v2 uses clients through an updatable view")
            .rawSql(Phase.CONTRACT, sql("DROP VIEW clients"), null, "deliberately broken: v2 still uses clients")
            .rawSql(Phase.CONTRACT, sql("ALTER TABLE customers RENAME TO clients"), null, "v1 no longer runs")
            .build();

    /**
     * The rename of {@link #RENAME_IN_TWO_STEPS}, after the backfill: between the two units the old version's
     * {@code customers} is gone while the old version still runs.
     */
    static final MigrationPlan RENAME_AFTER_THE_BACKFILL = MigrationPlan.named("rename-after-the-backfill")
            .rawSql(
                    Phase.BACKFILL,
                    sql("ALTER TABLE customers RENAME TO clients"),
                    sql("ALTER TABLE clients RENAME TO customers"),
                    "deliberately broken: v1 uses customers until the view exists")
            .rawSql(
                    Phase.BACKFILL,
                    sql("CREATE VIEW public.customers AS SELECT * FROM clients"),
                    sql("DROP VIEW customers"),
                    "v1 keeps using customers through an updatable view")
            .rawSql(Phase.CONTRACT, sql("DROP VIEW customers"), null, "v1 no longer runs")
            .build();

    /** Two additive expand steps: every version works after each. */
    static final MigrationPlan TWO_ADDITIVE_STEPS = MigrationPlan.named("two-additive-steps")
            .rawSql(
                    Phase.EXPAND,
                    sql("ALTER TABLE customers ADD COLUMN loyalty_tier text"),
                    sql("ALTER TABLE customers DROP COLUMN loyalty_tier"),
                    "additive")
            .rawSql(
                    Phase.EXPAND,
                    sql("ALTER TABLE customers ADD COLUMN referral_code text"),
                    sql("ALTER TABLE customers DROP COLUMN referral_code"),
                    "additive")
            .build();

    @Test
    void renameInTwoExpandSteps_failsAfterTheFirstUnit_namingIt(CompatibilityHarness harness) {
        CompatibilityReport report =
                check(harness, RENAME_IN_TWO_STEPS, "customers", "clients").run();

        assertThat(report.compatible()).as("%s", report).isFalse();
        String unit = "after expand unit raw-1/expand (ALTER TABLE customers RENAME TO clients): ";
        List<Check> expanded = report.failures(CompatibilityState.EXPANDED);
        assertThat(expanded).as("%s", report).isNotEmpty().allSatisfy(c -> {
            assertThat(c.role()).isIn(Role.OLD);
            assertThat(c.detail()).startsWith(unit);
        });
        assertThat(expanded)
                .map(Check::toString)
                .anyMatch(c -> c.startsWith("EXPANDED | v1 | list customers: " + unit
                        + "SQLState 42P01: ERROR: relation \"customers\" does not exist"))
                .anyMatch(c -> c.startsWith("EXPANDED | v1 | write+read customer: " + unit + "writing '"))
                .anyMatch(c -> c.startsWith("EXPANDED | v1 | re-read customer: " + unit + "'seed-old-"));
        // The undo runs in two units too: between them v1's customers is gone again.
        for (CompatibilityState rolledBack :
                List.of(CompatibilityState.ROLLED_BACK_FROM_EXPANDED, CompatibilityState.ROLLED_BACK_FROM_BACKFILLED)) {
            assertThat(report.failures(rolledBack))
                    .as("%s", report)
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c.detail())
                            .startsWith("after rollback unit raw-2/expand (DROP VIEW customers): ")
                            .contains("relation \"customers\" does not exist"));
        }
        // Every state itself is fine: only the checks between units fail.
        assertThat(report.failures())
                .filteredOn(c -> !c.detail().startsWith("after "))
                .isEmpty();
        assertThat(report.failures()).map(Check::toString).doesNotHaveDuplicates();
        assertThat(report.checks())
                .filteredOn(c -> c.role() == Role.PLAN && c.operation().equals("expand"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.outcome()).isEqualTo(Outcome.PASSED);
                    assertThat(c.detail()).isEqualTo("2 units; v1 checked between them, once");
                });
        assertThatThrownBy(report::assertCompatible)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("EXPANDED | v1 | list customers: " + unit)
                .hasMessageContaining("| before | expanded | backfilling | verified | contracted |");
        assertThat(report.toString())
                .containsPattern("\\nv1 +list customers +\\| ok +\\| FAIL +\\| ok +\\| ok +\\| - +\\| FAIL +\\| FAIL");
        ReadmeOutputs.check("between-units", report.toString());
    }

    @Test
    void renameInTwoStepsAfterTheBackfill_failsWhileTheBackfillPhaseRuns_namingTheUnit(CompatibilityHarness harness) {
        CompatibilityReport report = check(harness, RENAME_AFTER_THE_BACKFILL, "customers", "clients")
                .run();

        assertThat(report.compatible()).as("%s", report).isFalse();
        String unit = "after backfill unit raw-1/backfill (ALTER TABLE customers RENAME TO clients): ";
        // the old version's writers running through the backfill phase may hit the gap too; the checks between the
        // units always do, and name the unit
        assertThat(report.failures(CompatibilityState.BACKFILLING))
                .as("%s", report)
                .allSatisfy(c -> assertThat(c.role()).isEqualTo(Role.OLD))
                .filteredOn(c -> c.detail().startsWith("after "))
                .isNotEmpty()
                .allSatisfy(
                        c -> assertThat(c.detail()).startsWith(unit).contains("relation \"customers\" does not exist"));
        assertThat(report.checks())
                .filteredOn(c -> c.role() == Role.PLAN && c.operation().equals("backfill"))
                .singleElement()
                .satisfies(c -> assertThat(c.detail()).endsWith("; after it 2 units; v1 checked between them, once"));
        assertThat(report.failures(CompatibilityState.ROLLED_BACK_FROM_BACKFILLED))
                .as("%s", report)
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.detail())
                        .startsWith("after rollback unit raw-2/backfill (DROP VIEW customers): "));
        assertThat(report.failures())
                .filteredOn(c -> !c.detail().startsWith("after ") && !c.detail().contains("during the backfill"))
                .as("%s", report)
                .isEmpty();
    }

    @Test
    void renameInTwoExpandSteps_notBetweenUnits_passes(CompatibilityHarness harness) {
        // What the harness saw before it checked between units: every state is compatible.
        CompatibilityReport report = check(harness, RENAME_IN_TWO_STEPS, "customers", "clients")
                .probeBetweenUnits(false)
                .run();

        assertThat(report.compatible()).as("%s", report).isTrue();
        assertThat(report.checks())
                .filteredOn(c -> c.role() == Role.PLAN && c.operation().equals("expand"))
                .singleElement()
                .extracting(Check::detail)
                .isEqualTo("");
    }

    @Test
    void swapInTwoContractSteps_failsAfterTheFirstContractUnit_forTheNewVersion(CompatibilityHarness harness) {
        CompatibilityReport report = check(harness, SWAP_IN_TWO_CONTRACT_STEPS, "customers", "clients")
                .run();

        assertThat(report.compatible()).as("%s", report).isFalse();
        assertThat(report.failures())
                .as("%s", report)
                .allSatisfy(c -> assertThat(c.state()).isEqualTo(CompatibilityState.CONTRACTED));
        String unit = "after contract unit raw-2/contract (DROP VIEW clients): ";
        assertThat(report.failures(CompatibilityState.CONTRACTED))
                .as("%s", report)
                .isNotEmpty()
                .allSatisfy(c -> {
                    // Only the new version may run once contract has started.
                    assertThat(c.role()).isIn(Role.NEW, Role.OLD_TO_NEW);
                    assertThat(c.detail()).startsWith(unit).contains("relation \"clients\" does not exist");
                })
                .anyMatch(c -> c.toString().startsWith("CONTRACTED | v2 | insert customer: " + unit))
                .anyMatch(c -> c.toString().startsWith("CONTRACTED | v1 -> v2 | read customer: " + unit));
        assertThat(report.checks())
                .filteredOn(c -> c.role() == Role.PLAN && c.operation().equals("contract"))
                .singleElement()
                .extracting(Check::detail)
                .isEqualTo("2 units; v2 checked between them, once");
    }

    @Test
    void twoAdditiveExpandSteps_passBetweenUnits(CompatibilityHarness harness) {
        CompatibilityReport report =
                check(harness, TWO_ADDITIVE_STEPS, "customers", "customers").assertCompatible();

        for (String phase : List.of("expand", "rollback")) {
            assertThat(report.checks())
                    .filteredOn(c -> c.role() == Role.PLAN && c.operation().equals(phase))
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c.detail()).isEqualTo("2 units; v1 checked between them, once"));
        }
        assertThat(report.toString()).contains("EXPANDED | expand: 2 units; v1 checked between them, once");
    }

    private static CompatibilityCheck check(
            CompatibilityHarness harness, MigrationPlan plan, String oldTable, String newTable) {
        return harness.check(plan)
                .schema(CustomersAddress.SCHEMA)
                .seed(CustomersAddress.SEED)
                .oldVersion(onTable("v1", oldTable))
                .newVersion(onTable("v2", newTable));
    }

    /** A version that keeps customers, address in one text column, in {@code table}. */
    private static AppVersion onTable(String name, String table) {
        return AppVersion.named(name)
                .operation("insert customer", ds -> insert(ds, table, "new-" + UUID.randomUUID()))
                .operation(
                        "list customers",
                        ds -> CustomersAddress.list(
                                ds, "SELECT id, name, email, address FROM " + table + " ORDER BY id LIMIT 20"))
                .writes("customer", (ds, key) -> insert(ds, table, key))
                .reads(
                        "customer",
                        (ds, key) -> CustomersAddress.string(
                                ds, "SELECT address FROM " + table + " WHERE email = ?", CustomersAddress.email(key)));
    }

    private static void insert(DataSource ds, String table, String key) throws java.sql.SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO " + table + " (name, email, address) VALUES (?, ?, ?)")) {
            ps.setString(1, "Customer " + key);
            ps.setString(2, CustomersAddress.email(key));
            ps.setString(3, CustomersAddress.addressFor(key).text());
            ps.executeUpdate();
        }
    }

    private static SqlStatement sql(String statement) {
        return SqlStatement.trusted(statement);
    }
}
