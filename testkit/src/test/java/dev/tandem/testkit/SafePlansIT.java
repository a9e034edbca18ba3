package dev.tandem.testkit;

import static dev.tandem.testkit.CustomersAddress.CUSTOMERS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.Index;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.Enforcement;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlStatement;
import dev.tandem.testkit.CompatibilityReport.Check;
import dev.tandem.testkit.CompatibilityReport.Outcome;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The safe counterparts of the broken plans in {@link BrokenPlansIT}: the same intent, done the way that works. Each
 * must pass every check, with both versions connecting as their own role, changing rows, and declaring the queries
 * that must keep their index: no false alarm.
 */
@TandemTest
class SafePlansIT {

    /**
     * One safe plan.
     *
     * @param name what it does right
     * @param plan the plan
     * @param setUp changes to the check
     * @param passed a check that must have passed, by its text, such as the lock check of a phase
     */
    record SafePlan(String name, MigrationPlan plan, UnaryOperator<CompatibilityCheck> setUp, String passed) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Four parts, with letters outside Latin-1, a combining accent and a character outside the BMP. */
    static final String UNICODE_ADDRESS = "Łódź Straße 1 \uD83D\uDE80, Sa\u0303o Paulo, SP, 01000-000";

    static Stream<SafePlan> catalogue() {
        return Stream.of(
                new SafePlan(
                        "splits the address",
                        CustomersAddress.plan(),
                        UnaryOperator.identity(),
                        "CONTRACTED | v2 | query plan: recent customers: passed (uses customers_created_idx)"),
                new SafePlan(
                        "splits Unicode and large values, and NULLs",
                        CustomersAddress.plan(),
                        check -> check.oldVersion(CustomersAddress.v1()
                                        .changes(
                                                "customer",
                                                "move abroad",
                                                (ds, key) -> CustomersAddress.byEmail(
                                                        ds,
                                                        "UPDATE customers SET address = ? WHERE email = ?",
                                                        UNICODE_ADDRESS,
                                                        key))
                                        .changes(
                                                "customer",
                                                "long street",
                                                (ds, key) -> CustomersAddress.byEmail(
                                                        ds,
                                                        "UPDATE customers SET address = ? WHERE email = ?",
                                                        "x".repeat(250) + ", Boston, MA, 02101",
                                                        key)))
                                .newVersion(CustomersAddress.v2()
                                        .changes(
                                                "customer",
                                                "move abroad",
                                                (ds, key) -> CustomersAddress.byEmail(
                                                        ds,
                                                        "UPDATE customers SET street_address = ?, city = 'Kraków',"
                                                                + " state = 'MA', zip_code = '30-001' WHERE email = ?",
                                                        "ul. Świętego Tomasza 1 \uD83C\uDFF0 " + "y".repeat(200),
                                                        key))),
                        "BACKFILLED_VERIFIED | v1 | change customer: move abroad (of v2's): passed"),
                new SafePlan(
                        "builds an index concurrently",
                        BrokenPlansIT.split()
                                .createIndex(Index.on(CUSTOMERS)
                                        .named("customers_name_idx")
                                        .columns("name"))
                                .build(),
                        UnaryOperator.identity(),
                        "EXPANDED | plan | expand: locks and rewrites: passed"),
                new SafePlan(
                        "sets NOT NULL through a validated check",
                        BrokenPlansIT.split()
                                .setNotNull(CUSTOMERS, "city", Enforcement.AT_CONTRACT)
                                .build(),
                        UnaryOperator.identity(),
                        "CONTRACTED | plan | contract: locks and rewrites: passed"),
                new SafePlan(
                        "builds an index without CONCURRENTLY, accepted with a reason",
                        BrokenPlansIT.split()
                                .rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted("CREATE INDEX customers_name_idx ON customers (name)"),
                                        SqlStatement.trusted("DROP INDEX customers_name_idx"),
                                        "customers stays small in this test")
                                .build(),
                        check -> check.acceptBlockingWork("raw-1/expand", "a 40-row table"),
                        "accepted (a 40-row table)"),
                new SafePlan(
                        "creates a table and grants it to the application's role",
                        BrokenPlansIT.notesPlan(true),
                        check -> check.newVersion(CustomersAddress.v2().operation("add note", BrokenPlansIT::addNote)),
                        "BACKFILLED_VERIFIED | v2 | add note: passed"),
                new SafePlan(
                        "has undo statements that remove what expand created",
                        BrokenPlansIT.split()
                                .rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted(
                                                "CREATE INDEX CONCURRENTLY customers_email_lower ON customers (lower(email))"),
                                        SqlStatement.trusted("DROP INDEX CONCURRENTLY IF EXISTS customers_email_lower"),
                                        "an index for case-insensitive login")
                                .rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted(
                                                "CREATE TABLE public.customer_tags (customer_id int, tag text)"),
                                        SqlStatement.trusted("DROP TABLE public.customer_tags"),
                                        "a new table for v2")
                                .build(),
                        UnaryOperator.identity(),
                        "ROLLED_BACK_FROM_BACKFILLED | plan | expand again after the rollback: passed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void safePlan_harness_passesEveryCheck(SafePlan safe, CompatibilityHarness harness) {
        CompatibilityReport report = safe.setUp()
                .apply(harness.check(safe.plan())
                        .schema(CustomersAddress.SCHEMA)
                        .seed(CustomersAddress.SEED)
                        .oldVersion(CustomersAddress.v1())
                        .newVersion(CustomersAddress.v2()))
                .run();

        assertThat(report.failures()).as("%s", report).isEmpty();
        assertThat(report.checks()).as("%s", report).anyMatch(c -> c.toString().contains(safe.passed()));
        List<Check> rolledBack = report.checks().stream()
                .filter(c -> c.operation().equals("rollback: schema as before expand"))
                .toList();
        assertThat(rolledBack).as("%s", report).hasSize(2).allMatch(c -> c.outcome() == Outcome.PASSED);
        assertThat(report.checks())
                .as("changes in both directions ran in %s", report)
                .anyMatch(c -> c.toString().startsWith("BACKFILLED_VERIFIED | v2 | change customer: move (of v1's):"))
                .anyMatch(c -> c.toString().startsWith("BACKFILLED_VERIFIED | v1 | change customer: move (of v2's):"));
    }
}
