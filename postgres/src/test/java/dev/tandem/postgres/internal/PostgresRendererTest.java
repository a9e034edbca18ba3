package dev.tandem.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.postgres.ExplainedStatement;
import dev.tandem.postgres.LockMode;
import dev.tandem.postgres.PlanExplanation;
import dev.tandem.postgres.Plans;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden-file tests: each case renders to {@code src/test/resources/golden/<case>.sql}. Run with
 * {@code -Dtandem.golden.update=true} to rewrite the files after an intended change, then review the diff.
 */
class PostgresRendererTest {

    static final Identifier PUBLIC = Identifier.of("public");
    static final TableName CUSTOMERS = new TableName(PUBLIC, Identifier.of("customers"));

    static TableFacts customers() {
        return TableFacts.ofTypes(
                CUSTOMERS,
                List.of(new KeyColumn(Identifier.of("id"), "integer")),
                Map.of(
                        Identifier.of("id"), "integer",
                        Identifier.of("address"), "text",
                        Identifier.of("street_address"), "character varying",
                        Identifier.of("city"), "character varying",
                        Identifier.of("state"), "character varying",
                        Identifier.of("zip_code"), "character varying"));
    }

    static PlanExplanation explain(MigrationPlan plan, TableFacts facts) {
        PostgresRenderer renderer = new PostgresRenderer(plan.id(), Identifier.of("tandem"), PUBLIC);
        return Explainer.explain(plan, renderer, Map.of(facts.table(), facts));
    }

    static void assertGolden(String name, String actual) throws IOException {
        Path file = Paths.get("src/test/resources/golden", name + ".sql");
        if (Boolean.getBoolean("tandem.golden.update") || !Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void explain_addressSplit_matchesGolden() throws IOException {
        assertGolden(
                "address-split-record",
                explain(Plans.addressPlan(), customers()).toString());
    }

    @Test
    void syncFunction_rejectPolicy_raisesInsteadOfRecording() throws IOException {
        MigrationPlan plan = Plans.addressPlan(UnmappedPolicy.REJECT);
        PostgresRenderer renderer = new PostgresRenderer(plan.id(), Identifier.of("tandem"), PUBLIC);
        List<String> functions = renderer.syncFunctions(plan.dualWrites().get(0), customers());
        assertThat(functions).hasSize(1); // REJECT needs no recording function
        String fn = functions.get(0);
        assertGolden("address-split-reject-function", fn + ";\n");
        assertThat(fn)
                .contains("RAISE EXCEPTION")
                .contains("SECURITY INVOKER")
                .contains("SET search_path = pg_catalog, pg_temp")
                .doesNotContain("INSERT INTO")
                .doesNotContain("SECURITY DEFINER");
    }

    @Test
    void recordPolicy_onlyTheRecordingFunctionRunsWithTheMigratorsRights() {
        MigrationPlan plan = Plans.addressPlan(UnmappedPolicy.RECORD);
        PostgresRenderer renderer = new PostgresRenderer(plan.id(), Identifier.of("tandem"), PUBLIC);
        List<String> functions = renderer.syncFunctions(plan.dualWrites().get(0), customers());
        assertThat(functions).hasSize(4);
        assertThat(functions.get(0)).contains("SECURITY INVOKER").doesNotContain("tandem\".\"unmapped\"");
        // the pending function and the statement trigger's function run as the writer and only call the next one
        assertThat(functions.get(1))
                .contains("SECURITY INVOKER")
                .contains("PERFORM \"tandem\".")
                .doesNotContain("tandem\".\"unmapped\"")
                .doesNotContain("split_part");
        assertThat(functions.get(2))
                .contains("SECURITY INVOKER")
                .contains("PERFORM \"tandem\".")
                .doesNotContain("split_part");
        assertThat(functions.get(3))
                .contains("SECURITY DEFINER")
                .contains("SET search_path = pg_catalog, pg_temp")
                .contains("pg_xact_status")
                // it evaluates no expression of the plan
                .doesNotContain("split_part");
    }

    @Test
    void dollarQuoting_neverEndsEarly_whateverTheIdentifier() {
        String body = "x $tandem$ y $tandem1$ z";
        String quoted = Sql.dollarQuoted(body);
        assertThat(quoted).startsWith("$tandem2$\n").endsWith("\n$tandem2$");
        assertThat(Sql.dollarQuoted("plain")).isEqualTo("$tandem$\nplain\n$tandem$");
    }

    @Test
    void backfill_compositeTextKey_usesRowComparisonsWithCasts() throws IOException {
        TableName t = new TableName(PUBLIC, Identifier.of("Order Lines"));
        MigrationPlan plan = MigrationPlan.named("lines")
                .renameColumnByCopy(TableName.of("Order Lines"), "qty", "quantity", ColumnType.INTEGER)
                .build();
        TableFacts facts = TableFacts.ofTypes(
                t,
                List.of(new KeyColumn(Identifier.of("order_id"), "uuid"), new KeyColumn(Identifier.of("line"), "text")),
                Map.of(Identifier.of("qty"), "integer", Identifier.of("quantity"), "integer"));
        PostgresRenderer renderer = new PostgresRenderer(plan.id(), Identifier.of("tandem"), PUBLIC);
        BackfillSql sql = renderer.backfill(plan.backfills().get(0), facts);
        assertGolden(
                "composite-key-backfill",
                String.join(
                                ";\n\n",
                                sql.maxKey(),
                                sql.boundFirst(),
                                sql.boundNext(),
                                sql.updateFirst(),
                                sql.updateNext(),
                                sql.recordRow())
                        + ";\n");
        assertThat(sql.updateNext()).contains("(\"order_id\", \"line\") > (?::uuid, ?::text)");
        assertThat(sql.updateNext()).doesNotContain("LIMIT").doesNotContain("OFFSET");
    }

    @Test
    void explain_everyStatementHasALockModeAndDdlLocksFirst() {
        PlanExplanation e = explain(Plans.addressPlan(), customers());
        assertThat(e.statements())
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.lockMode()).isNotNull());
        List<ExplainedStatement> expand = e.statements().stream()
                .filter(s -> s.section() == ExplainedStatement.Section.EXPAND)
                .toList();
        assertThat(expand.get(0).sql()).isEqualTo("LOCK TABLE ONLY \"public\".\"customers\" IN ACCESS EXCLUSIVE MODE");
        assertThat(expand)
                .filteredOn(s -> s.sql().startsWith("CREATE TRIGGER"))
                // BEFORE INSERT, BEFORE UPDATE of the old side and key, of the new side, per row; AFTER per statement
                .hasSize(4)
                .allSatisfy(s -> assertThat(s.lockMode()).isEqualTo(LockMode.SHARE_ROW_EXCLUSIVE));
        assertThat(e.statements())
                .filteredOn(s -> s.section() == ExplainedStatement.Section.BACKFILL)
                .noneSatisfy(s -> assertThat(s.lockMode().blocksReads()).isTrue());
        assertThat(e.statements()).filteredOn(ExplainedStatement::rewritesTable).isEmpty();
    }

    @Test
    void rawSql_isLintedInExplain() {
        MigrationPlan plan = MigrationPlan.named("raw")
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("ALTER TABLE customers ALTER COLUMN zip TYPE bigint"),
                        SqlStatement.trusted("ALTER TABLE customers ALTER COLUMN zip TYPE integer"),
                        "small table, maintenance window")
                .build();
        PlanExplanation e = explain(plan, customers());
        ExplainedStatement s = e.statements().get(0);
        assertThat(s.lockMode()).isEqualTo(LockMode.ACCESS_EXCLUSIVE);
        assertThat(s.rewritesTable()).isTrue();
        assertThat(s.relation()).isEqualTo("\"public\".\"customers\"");
        assertThat(s.note())
                .isEqualTo(
                        "raw SQL, unsafe accepted: small table, maintenance window; lint: UNSAFE: changes the type of"
                                + " zip in place: rewrites the table and its indexes under ACCESS EXCLUSIVE unless the types are"
                                + " binary-compatible");
    }

    @Test
    void literal_doublesQuotes() {
        assertThat(Sql.literal("it's")).isEqualTo("'it''s'");
        assertThat(Sql.ident("a\"b")).isEqualTo("\"a\"\"b\"");
    }
}
