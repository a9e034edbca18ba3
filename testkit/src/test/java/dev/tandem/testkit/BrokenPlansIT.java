package dev.tandem.testkit;

import static dev.tandem.testkit.CustomersAddress.BACKWARD;
import static dev.tandem.testkit.CustomersAddress.CUSTOMERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.postgres.BackfillListener;
import dev.tandem.postgres.BackfillReport;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.postgres.VerifyReport;
import dev.tandem.testkit.CompatibilityReport.Check;
import dev.tandem.testkit.CompatibilityReport.Role;
import dev.tandem.testkit.CustomersAddress.Address;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalogue of deliberately wrong plans: each must make the harness fail, in the right state, naming the version
 * that breaks (or the plan itself) and why.
 */
@TandemTest
class BrokenPlansIT {

    /**
     * One wrong plan and where the harness must catch it.
     *
     * @param name what is wrong
     * @param plan the plan
     * @param setUp changes to the check: another new version, a phase runner
     * @param state the state whose checks must fail
     * @param role whose check must fail there
     * @param expected text the failed check must contain (version, operation or error)
     */
    record BrokenPlan(
            String name,
            MigrationPlan plan,
            UnaryOperator<CompatibilityCheck> setUp,
            CompatibilityState state,
            Role role,
            String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BrokenPlan> catalogue() {
        return Stream.of(
                new BrokenPlan(
                        "drops the old column in expand",
                        MigrationPlan.named("broken-drop-in-expand")
                                .addColumn(CUSTOMERS, "street_address", ColumnType.varchar(255))
                                .addColumn(CUSTOMERS, "city", ColumnType.varchar(100))
                                .addColumn(CUSTOMERS, "state", ColumnType.varchar(2))
                                .addColumn(CUSTOMERS, "zip_code", ColumnType.varchar(10))
                                .rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted("ALTER TABLE customers DROP COLUMN address"),
                                        SqlStatement.trusted("ALTER TABLE customers ADD COLUMN address text"),
                                        "deliberately broken: v1 still uses address")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.EXPANDED,
                        Role.OLD,
                        "EXPANDED | v1 | insert customer: SQLState 42703"),
                new BrokenPlan(
                        "renames a column in place",
                        MigrationPlan.named("broken-rename-in-place")
                                .rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted(
                                                "ALTER TABLE customers RENAME COLUMN address TO full_address"),
                                        SqlStatement.trusted(
                                                "ALTER TABLE customers RENAME COLUMN full_address TO address"),
                                        "deliberately broken: v1 still uses address")
                                .build(),
                        check -> check.newVersion(v2TextColumn("full_address", "?", "full_address")),
                        CompatibilityState.EXPANDED,
                        Role.OLD,
                        "EXPANDED | v1 | insert customer: SQLState 42703"),
                new BrokenPlan(
                        "adds a NOT NULL column without a default",
                        MigrationPlan.named("broken-not-null-without-default")
                                .rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted(
                                                "ALTER TABLE customers ADD COLUMN loyalty_tier text NOT NULL"),
                                        SqlStatement.trusted("ALTER TABLE customers DROP COLUMN loyalty_tier"),
                                        "deliberately broken: existing rows have no value")
                                .deriveColumns(CustomersAddress.split(BACKWARD))
                                .dropColumn(CUSTOMERS, "address")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.EXPANDED,
                        Role.PLAN,
                        "EXPANDED | plan | expand: StepExecutionException: Expand step 'raw-1/expand' of plan"
                                + " 'broken-not-null-without-default' failed: SQLState 23502"),
                new BrokenPlan(
                        "changes a type in place",
                        MigrationPlan.named("broken-type-in-place")
                                .rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted(
                                                "ALTER TABLE customers ALTER COLUMN address TYPE jsonb USING to_jsonb(address)"),
                                        SqlStatement.trusted(
                                                "ALTER TABLE customers ALTER COLUMN address TYPE text USING address #>> '{}'"),
                                        "deliberately broken: v1 writes text")
                                .build(),
                        check -> check.newVersion(v2TextColumn("address", "to_jsonb(?::text)", "address #>> '{}'"))
                                .allowRewrites(),
                        CompatibilityState.EXPANDED,
                        Role.OLD,
                        "EXPANDED | v1 | insert customer: SQLState 42804"),
                new BrokenPlan(
                        "has a backward expression that loses data",
                        MigrationPlan.named("broken-lossy-backward")
                                .deriveColumns(CustomersAddress.split("concat_ws(', ', street_address, city, state)"))
                                .dropColumn(CUSTOMERS, "address")
                                .build(),
                        UnaryOperator.identity(),
                        // The new version may run only once the backfill is done: there its writes reach v1 short.
                        CompatibilityState.BACKFILLED_VERIFIED,
                        Role.NEW_TO_OLD,
                        "BACKFILLED_VERIFIED | v2 -> v1 | read customer: '"),
                new BrokenPlan(
                        "has a sync rule without the backward direction",
                        MigrationPlan.named("broken-one-way")
                                .deriveColumns(oneWaySplit())
                                .dropColumn(CUSTOMERS, "address")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.BACKFILLED_VERIFIED,
                        Role.NEW_TO_OLD,
                        "| v2 -> v1 | read customer: '"),
                new BrokenPlan(
                        "contracts before the backfill",
                        CustomersAddress.plan(),
                        check -> check.phases(new ContractBeforeBackfill()),
                        CompatibilityState.CONTRACTED,
                        Role.OLD_TO_NEW,
                        "CONTRACTED | v1 -> v2 | read customer: 'seed-old-"),
                new BrokenPlan(
                        "rewrites the table in expand",
                        MigrationPlan.named("broken-expand-rewrites")
                                .rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted(
                                                "ALTER TABLE customers ADD COLUMN loyalty_id uuid DEFAULT gen_random_uuid()"),
                                        SqlStatement.trusted("ALTER TABLE customers DROP COLUMN loyalty_id"),
                                        "deliberately broken: a volatile default rewrites the table")
                                .deriveColumns(CustomersAddress.split(BACKWARD))
                                .dropColumn(CUSTOMERS, "address")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.EXPANDED,
                        Role.PLAN,
                        "EXPANDED | plan | expand: locks and rewrites: rewrote public.customers (raw-1/expand"),
                new BrokenPlan(
                        "has a forward expression that mixes up the columns",
                        MigrationPlan.named("broken-forward")
                                .deriveColumns(DeriveColumns.on(CUSTOMERS)
                                        .from("address")
                                        .into(
                                                "street_address",
                                                ColumnType.varchar(255),
                                                expr(CustomersAddress.FORWARD_STREET))
                                        .into("city", ColumnType.varchar(100), expr(CustomersAddress.FORWARD_STATE))
                                        .into("state", ColumnType.varchar(2), expr(CustomersAddress.FORWARD_STATE))
                                        .into("zip_code", ColumnType.varchar(10), expr(CustomersAddress.FORWARD_ZIP))
                                        .backward("address", expr(BACKWARD)))
                                .dropColumn(CUSTOMERS, "address")
                                .build(),
                        UnaryOperator.identity(),
                        // Verify recomputes with the same wrong expressions; the new version's reads show it.
                        CompatibilityState.BACKFILLED_VERIFIED,
                        Role.OLD_TO_NEW,
                        "BACKFILLED_VERIFIED | v1 -> v2 | read customer: 'seed-old-"),
                new BrokenPlan(
                        "drops a column the new version uses in contract",
                        MigrationPlan.named("broken-contract-drops-new")
                                .deriveColumns(CustomersAddress.split(BACKWARD))
                                .dropColumn(CUSTOMERS, "address")
                                .rawSql(
                                        Phase.CONTRACT,
                                        SqlStatement.trusted("ALTER TABLE customers DROP COLUMN zip_code"),
                                        null,
                                        "deliberately broken: v2 still uses zip_code")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.CONTRACTED,
                        Role.NEW,
                        "CONTRACTED | v2 | insert customer: SQLState 42703"),
                new BrokenPlan(
                        "has an expand step that cannot be undone",
                        MigrationPlan.named("broken-no-undo")
                                .rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted(
                                                "CREATE INDEX CONCURRENTLY customers_email_lower ON customers (lower(email))"),
                                        null,
                                        "deliberately broken: no undo statement")
                                .deriveColumns(CustomersAddress.split(BACKWARD))
                                .dropColumn(CUSTOMERS, "address")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.ROLLED_BACK_FROM_EXPANDED,
                        Role.PLAN,
                        "has no undo statement"),
                // 1. lock discipline, judged by what PostgreSQL reports, on any table size
                new BrokenPlan(
                        "builds an index without CONCURRENTLY in expand",
                        split().rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted("CREATE INDEX customers_name_idx ON customers (name)"),
                                        SqlStatement.trusted("DROP INDEX customers_name_idx"),
                                        "deliberately broken: blocks writes while the index builds")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.EXPANDED,
                        Role.PLAN,
                        "EXPANDED | plan | expand: locks and rewrites: held SHARE on public.customers while it read all"
                                + " of public.customers in a sequential scan"),
                new BrokenPlan(
                        "sets NOT NULL with a full scan under ACCESS EXCLUSIVE in contract",
                        split().rawSql(
                                        Phase.CONTRACT,
                                        SqlStatement.trusted("ALTER TABLE customers ALTER COLUMN city SET NOT NULL"),
                                        null,
                                        "deliberately broken: scans the table under ACCESS EXCLUSIVE")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.CONTRACTED,
                        Role.PLAN,
                        "CONTRACTED | plan | contract: locks and rewrites: held ACCESS EXCLUSIVE on public.customers"
                                + " while it read all of public.customers"),
                // 2. each version as its own role
                new BrokenPlan(
                        "creates a table the application's role may not use",
                        notesPlan(false),
                        check -> check.newVersion(CustomersAddress.v2().operation("add note", BrokenPlansIT::addNote)),
                        CompatibilityState.BACKFILLED_VERIFIED,
                        Role.NEW,
                        "BACKFILLED_VERIFIED | v2 | add note: SQLState 42501"),
                // 3. rollback that leaves something behind
                new BrokenPlan(
                        "has an undo that leaves the index behind",
                        split().rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted(
                                                "CREATE INDEX CONCURRENTLY customers_email_lower ON customers (lower(email))"),
                                        SqlStatement.trusted(
                                                "DROP INDEX CONCURRENTLY IF EXISTS customers_email_lowercase"),
                                        "deliberately broken: the undo names another index")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.ROLLED_BACK_FROM_EXPANDED,
                        Role.PLAN,
                        "ROLLED_BACK_FROM_EXPANDED | plan | rollback: schema as before expand: left behind: index"
                                + " public.customers_email_lower"),
                new BrokenPlan(
                        "has an undo after which expand cannot run again",
                        split().rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted(
                                                "CREATE TABLE public.customer_tags (customer_id int, tag text)"),
                                        SqlStatement.trusted("TRUNCATE public.customer_tags"),
                                        "deliberately broken: the undo keeps the table")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.ROLLED_BACK_FROM_BACKFILLED,
                        Role.PLAN,
                        "ROLLED_BACK_FROM_BACKFILLED | plan | expand again after the rollback: StepExecutionException"),
                // 4. a query plan that silently degrades
                new BrokenPlan(
                        "drops an index a declared query uses",
                        split().rawSql(
                                        Phase.CONTRACT,
                                        SqlStatement.trusted("DROP INDEX customers_created_idx"),
                                        null,
                                        "deliberately broken: the index looked unused")
                                .build(),
                        UnaryOperator.identity(),
                        CompatibilityState.CONTRACTED,
                        Role.NEW,
                        "CONTRACTED | v2 | query plan: recent customers: reads public.customers in a sequential scan"
                                + " where it used index customers_created_idx, which is gone"),
                // a failure that follows a sync decision shows what Tandem recorded
                new BrokenPlan(
                        "keeps an old column too narrow for what the new version writes",
                        CustomersAddress.plan(),
                        check -> check.schema(ds -> CustomersAddress.exec(
                                        ds, CustomersAddress.SCHEMA_SQL.replace("address text", "address varchar(60)")))
                                .newVersion(CustomersAddress.v2()
                                        .writes(
                                                "long customer",
                                                (ds, key) -> CustomersAddress.v2Insert(
                                                        ds,
                                                        key,
                                                        new Address(
                                                                key + " Avenue of the Extraordinarily Long Names",
                                                                "Boston",
                                                                "MA",
                                                                "02101")))
                                        .reads("long customer", CustomersAddress::v2Read))
                                .oldVersion(CustomersAddress.v1()
                                        .reads(
                                                "long customer",
                                                (ds, key) -> Address.parse(CustomersAddress.string(
                                                        ds,
                                                        "SELECT address FROM customers WHERE email = ?",
                                                        CustomersAddress.email(key))))),
                        CompatibilityState.BACKFILLED_VERIFIED,
                        Role.NEW_TO_OLD,
                        "Tandem recorded values it could not map for this plan: \"public\".\"customers\" ["),
                // 5. rows changed by operations
                new BrokenPlan(
                        "syncs inserts but not updates (a hand-written trigger)",
                        insertOnlyTrigger(),
                        UnaryOperator.identity(),
                        CompatibilityState.BACKFILLED_VERIFIED,
                        Role.OLD_TO_NEW,
                        // Which row shows first is timing: v1's moves during the one-statement backfill race it,
                        // so a seed row may be moved before the UPDATE reaches it (and be right) or after.
                        "BACKFILLED_VERIFIED | v1 -> v2 | read customer: '"));
    }

    /** The split plan's builder, for broken variants that add a step. */
    static dev.tandem.PlanBuilder split() {
        return MigrationPlan.named("broken-" + Integer.toHexString(System.identityHashCode(new Object())))
                .deriveColumns(CustomersAddress.split(BACKWARD))
                .dropColumn(CUSTOMERS, "address");
    }

    /** The split plan and a notes table for v2, granted to the application's role or not. */
    static MigrationPlan notesPlan(boolean granted) {
        List<SqlStatement> create = new java.util.ArrayList<>(List.of(SqlStatement.trusted(
                "CREATE TABLE public.customer_notes (customer_id int NOT NULL, note text NOT NULL)")));
        if (granted) {
            create.add(SqlStatement.trusted("GRANT SELECT, INSERT ON customer_notes TO tandem_app"));
        }
        return MigrationPlan.named(granted ? "notes-granted" : "notes-not-granted")
                .deriveColumns(CustomersAddress.split(BACKWARD))
                .rawSql(
                        Phase.EXPAND,
                        create,
                        List.of(SqlStatement.trusted("DROP TABLE public.customer_notes")),
                        "a new table for v2")
                .dropColumn(CUSTOMERS, "address")
                .build();
    }

    static void addNote(javax.sql.DataSource ds) throws java.sql.SQLException {
        CustomersAddress.exec(
                ds, "INSERT INTO customer_notes (customer_id, note) SELECT min(id), 'called' FROM customers");
    }

    /**
     * A hand-written split: new columns, a trigger that fills either side on INSERT only, a raw backfill. Inserts
     * from either version read right in the other; a row one version changes keeps the other side stale.
     */
    private static MigrationPlan insertOnlyTrigger() {
        String split = "NEW.street_address := trim(split_part(NEW.address, ',', 1));"
                + " NEW.city := trim(split_part(NEW.address, ',', 2));"
                + " NEW.state := trim(split_part(NEW.address, ',', 3));"
                + " NEW.zip_code := trim(split_part(NEW.address, ',', 4));";
        return MigrationPlan.named("broken-insert-only-sync")
                .rawSql(
                        Phase.EXPAND,
                        List.of(
                                SqlStatement.trusted("ALTER TABLE customers ADD COLUMN street_address varchar(255),"
                                        + " ADD COLUMN city varchar(100), ADD COLUMN state varchar(2),"
                                        + " ADD COLUMN zip_code varchar(10)"),
                                SqlStatement.trusted("CREATE FUNCTION public.customers_split_ins() RETURNS trigger"
                                        + " LANGUAGE plpgsql AS $$ BEGIN IF NEW.address IS NOT NULL THEN " + split
                                        + " ELSIF NEW.street_address IS NOT NULL THEN NEW.address := concat_ws(', ',"
                                        + " NEW.street_address, NEW.city, NEW.state, NEW.zip_code); END IF;"
                                        + " RETURN NEW; END $$"),
                                SqlStatement.trusted("CREATE TRIGGER customers_split_ins BEFORE INSERT ON customers"
                                        + " FOR EACH ROW EXECUTE FUNCTION public.customers_split_ins()")),
                        List.of(
                                SqlStatement.trusted("DROP TRIGGER customers_split_ins ON customers"),
                                SqlStatement.trusted("DROP FUNCTION public.customers_split_ins()"),
                                SqlStatement.trusted("ALTER TABLE customers DROP COLUMN street_address,"
                                        + " DROP COLUMN city, DROP COLUMN state, DROP COLUMN zip_code")),
                        "deliberately broken: no sync on UPDATE")
                .rawSql(
                        Phase.BACKFILL,
                        SqlStatement.trusted("UPDATE customers SET street_address = " + CustomersAddress.FORWARD_STREET
                                + ", city = " + CustomersAddress.FORWARD_CITY + ", state = "
                                + CustomersAddress.FORWARD_STATE + ", zip_code = " + CustomersAddress.FORWARD_ZIP
                                + " WHERE street_address IS NULL AND address IS NOT NULL"),
                        null,
                        "a one-statement backfill")
                .rawSql(
                        Phase.CONTRACT,
                        List.of(
                                SqlStatement.trusted("DROP TRIGGER customers_split_ins ON customers"),
                                SqlStatement.trusted("DROP FUNCTION public.customers_split_ins()"),
                                SqlStatement.trusted("ALTER TABLE customers DROP COLUMN address")),
                        List.of(),
                        "contract")
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void brokenPlan_harness_failsInTheRightStateNamingTheVersion(BrokenPlan broken, CompatibilityHarness harness) {
        CompatibilityCheck check = broken.setUp()
                .apply(harness.check(broken.plan())
                        .schema(CustomersAddress.SCHEMA)
                        .seed(CustomersAddress.SEED)
                        .oldVersion(CustomersAddress.v1())
                        .newVersion(CustomersAddress.v2()));

        CompatibilityReport report = check.run();

        assertThat(report.compatible()).as("%s", report).isFalse();
        List<Check> inState = report.failures(broken.state());
        assertThat(inState)
                .as("failures in %s of%n%s", broken.state(), report)
                .filteredOn(c -> c.role() == broken.role())
                .anyMatch(c -> c.toString().contains(broken.expected()));
        // the message lists each cause once, headed by every state it failed in: "EXPANDED, CONTRACTED | v1 | ..."
        String prefix = broken.state() + " | ";
        String cause =
                broken.expected().startsWith(prefix) ? broken.expected().substring(prefix.length()) : broken.expected();
        assertThatThrownBy(report::assertCompatible)
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith(
                        "Compatibility of plan '" + broken.plan().id() + "'")
                .hasMessageContaining("| before | expanded | backfilling | verified | contracted |")
                .satisfies(e -> assertThat(e.getMessage().lines())
                        .as("a failure line naming %s and %s", broken.state(), cause)
                        .anyMatch(line -> line.contains(cause)
                                && states(line).contains(broken.state().name())));
    }

    /** {@return the states a failure line of the report is headed by: {@code "  3. EXPANDED, CONTRACTED | ..."}} */
    private static List<String> states(String line) {
        int bar = line.indexOf(" | ");
        int dot = line.indexOf(". ");
        return bar < 0 || dot < 0 || dot > bar
                ? List.of()
                : List.of(line.substring(dot + 2, bar).split(", "));
    }

    private static SqlExpression expr(String sql) {
        return SqlExpression.trusted(sql);
    }

    private static DeriveColumns oneWaySplit() {
        return DeriveColumns.on(CUSTOMERS)
                .from("address")
                .into("street_address", ColumnType.varchar(255), expr(CustomersAddress.FORWARD_STREET))
                .into("city", ColumnType.varchar(100), expr(CustomersAddress.FORWARD_CITY))
                .into("state", ColumnType.varchar(2), expr(CustomersAddress.FORWARD_STATE))
                .into("zip_code", ColumnType.varchar(10), expr(CustomersAddress.FORWARD_ZIP))
                .oneWay("deliberately broken: v2's writes never reach address");
    }

    /**
     * A new version that keeps the address in one column, written with {@code valueSql} (a bind is {@code ?}) and read
     * with {@code readSql}.
     */
    private static AppVersion v2TextColumn(String column, String valueSql, String readSql) {
        return AppVersion.named("v2")
                .operation(
                        "insert customer", ds -> insertText(ds, column, valueSql, "new-" + java.util.UUID.randomUUID()))
                .writes("customer", (ds, key) -> insertText(ds, column, valueSql, key))
                .reads(
                        "customer",
                        (ds, key) -> Address.parse(CustomersAddress.string(
                                ds,
                                "SELECT " + readSql + " FROM customers WHERE email = ?",
                                CustomersAddress.email(key))));
    }

    private static void insertText(javax.sql.DataSource ds, String column, String valueSql, String key)
            throws java.sql.SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO customers (name, email, " + column + ") VALUES (?, ?, " + valueSql + ")")) {
            ps.setString(1, "Customer " + key);
            ps.setString(2, CustomersAddress.email(key));
            ps.setString(3, CustomersAddress.addressFor(key).text());
            ps.executeUpdate();
        }
    }

    /** Skips the backfill and the verification, and forces contract: what an operator in a hurry might do. */
    private static final class ContractBeforeBackfill implements PhaseRunner {
        @Override
        public BackfillReport backfill(PostgresMigrator migrator, MigrationPlan plan, BackfillListener listener) {
            return new BackfillReport(plan.id(), 0, 0, 0, 0, Duration.ZERO);
        }

        @Override
        public VerifyReport verify(PostgresMigrator migrator, MigrationPlan plan) {
            return new VerifyReport(plan.id(), 0, 0, List.of(), 0, List.of(), Duration.ZERO);
        }

        @Override
        public void contract(PostgresMigrator migrator, MigrationPlan plan) {
            var unused = migrator.forceContract(plan, "deliberately before the backfill");
        }

        @Override
        public void rollback(PostgresMigrator migrator, MigrationPlan plan) {
            var unused = migrator.rollback(plan);
        }

        @Override
        public @Nullable String toString() {
            return "ContractBeforeBackfill";
        }
    }
}
