package dev.tandem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.plan.AddColumn;
import dev.tandem.plan.Backfill;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Contract;
import dev.tandem.plan.DropColumn;
import dev.tandem.plan.DualWrite;
import dev.tandem.plan.Expand;
import dev.tandem.plan.Phase;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.Step;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import org.junit.jupiter.api.Test;

class PlanBuilderTest {

    static final TableName CUSTOMERS = TableName.of("customers");

    static DeriveColumns addressSplit() {
        return DeriveColumns.on(CUSTOMERS)
                .from("address")
                .into(
                        "street_address",
                        ColumnType.varchar(255),
                        SqlExpression.trusted("trim(split_part(address, ',', 1))"))
                .into("city", ColumnType.varchar(100), SqlExpression.trusted("trim(split_part(address, ',', 2))"))
                .backward("address", SqlExpression.trusted("concat_ws(', ', street_address, city)"));
    }

    @Test
    void build_addressSplit_compilesToPhasesInOrder() {
        MigrationPlan plan = MigrationPlan.named("customers-address-split")
                .description("split")
                .deriveColumns(addressSplit())
                .dropColumn(CUSTOMERS, "address")
                .build();

        assertThat(plan.steps())
                .extracting(s -> s.id().value())
                .containsExactly(
                        "customers.address/add-street_address",
                        "customers.address/add-city",
                        "customers.address/sync",
                        "customers.address/backfill",
                        "customers.address/drop");
        assertThat(plan.steps())
                .extracting(Step::phase)
                .containsExactly(Phase.EXPAND, Phase.EXPAND, Phase.EXPAND, Phase.BACKFILL, Phase.CONTRACT);
        Expand first = (Expand) plan.steps().get(0);
        assertThat(first.change())
                .isEqualTo(new AddColumn(
                        CUSTOMERS, dev.tandem.plan.Identifier.of("street_address"), ColumnType.varchar(255)));
        DualWrite sync = plan.dualWrites().get(0);
        assertThat(sync.oldColumns()).extracting(i -> i.value()).containsExactly("address");
        assertThat(sync.newColumns()).extracting(i -> i.value()).containsExactly("street_address", "city");
        assertThat(sync.unmappedPolicy()).isEqualTo(UnmappedPolicy.RECORD);
        assertThat(plan.backfills()).extracting(Backfill::rule).containsExactly(sync);
        assertThat(((Contract) plan.steps().get(4)).change()).isInstanceOf(DropColumn.class);
    }

    @Test
    void build_everyProblem_reportedAtOnce() {
        PlanBuilder builder = MigrationPlan.named("Bad Id")
                .deriveColumns(DeriveColumns.on(CUSTOMERS)
                        .from("address")
                        .into("address", ColumnType.TEXT, SqlExpression.trusted("address")))
                .addColumn(CUSTOMERS, "x".repeat(64), ColumnType.TEXT);

        assertThatThrownBy(builder::build)
                .isInstanceOf(PlanValidationException.class)
                .hasMessage(
                        "Plan 'Bad Id' is invalid (4 problems; nothing was changed):\n"
                                + "  - plan: id 'Bad Id' is invalid: use 1-200 lower-case letters, digits, '.', '_', '-' or '/', starting with a letter or digit\n"
                                + "  - customers.address: \"address\" is both an old and a new column; derive into a new name\n"
                                + "  - customers.address: has no backward mapping for old column \"address\": writes by the new application version would leave it stale for the old one. Add backward(\"address\", expression), or declare oneWay(reason)\n"
                                + "  - customers.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx: identifier \""
                                + "x".repeat(64)
                                + "\" is 64 bytes long; PostgreSQL keeps at most 63 bytes and would silently truncate it. Use a shorter name [TANDEM-0100]")
                .satisfies(e ->
                        assertThat(((PlanValidationException) e).violations()).hasSize(4));
    }

    @Test
    void build_multiByteIdentifierOver63Bytes_rejected() {
        // 32 two-byte characters: 32 chars, 64 bytes
        String name = "é".repeat(32);
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .addColumn(CUSTOMERS, name, ColumnType.TEXT)
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("is 64 bytes long");
    }

    @Test
    void build_noOperations_rejected() {
        assertThatThrownBy(() -> MigrationPlan.named("empty").build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessage(
                        "Plan 'empty' is invalid (1 problem; nothing was changed):\n"
                                + "  - plan: has no operations; add at least one (addColumn, deriveColumns, ...) [TANDEM-0100]");
    }

    @Test
    void build_droppingAColumnThePlanAdds_rejected() {
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .addColumn(CUSTOMERS, "note", ColumnType.TEXT)
                        .dropColumn(CUSTOMERS, "note")
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("drops \"note\", which this plan adds in 'customers.note'");
    }

    @Test
    void build_oneWay_allowedWithReason() {
        MigrationPlan plan = MigrationPlan.named("p")
                .deriveColumns(DeriveColumns.on(CUSTOMERS)
                        .from("email")
                        .into("email_lower", ColumnType.TEXT, SqlExpression.trusted("lower(email)"))
                        .oneWay("email_lower is read-only in v2"))
                .build();
        assertThat(plan.dualWrites().get(0).twoWay()).isFalse();
    }

    @Test
    void build_twoOperationsOnOneColumn_rejected() {
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .deriveColumns(addressSplit())
                        .addColumn(CUSTOMERS, "city", ColumnType.TEXT)
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("column \"city\" of \"customers\" is already added by 'customers.address'");
    }

    @Test
    void rawSql_withoutReason_rejected() {
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .rawSql(Phase.EXPAND, SqlStatement.trusted("ALTER TABLE t ADD COLUMN c int"), null, " ")
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("raw-1/expand: Raw SQL is accepted only with a reason for running it unchecked");
    }

    @Test
    void rawSql_concurrently_runsOutsideTransaction() {
        MigrationPlan plan = MigrationPlan.named("p")
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("CREATE INDEX CONCURRENTLY i ON t (c);"),
                        SqlStatement.trusted("DROP INDEX CONCURRENTLY IF EXISTS i"),
                        "index for v2 lookups")
                .build();
        Expand step = (Expand) plan.steps().get(0);
        assertThat(step.transactional()).isFalse();
        assertThat(((RawChange) step.change()).statements().get(0).sql())
                .isEqualTo("CREATE INDEX CONCURRENTLY i ON t (c)");
    }

    @Test
    void builder_isImmutable_branchesShareNothing() {
        PlanBuilder base = MigrationPlan.named("p").addColumn(CUSTOMERS, "a", ColumnType.TEXT);
        MigrationPlan one = base.addColumn(CUSTOMERS, "b", ColumnType.TEXT).build();
        MigrationPlan two = base.build();
        assertThat(one.steps()).hasSize(2);
        assertThat(two.steps()).hasSize(1);
    }

    @Test
    void renameColumnByCopy_isDeriveWithIdentityMappingsAndDrop() {
        MigrationPlan plan = MigrationPlan.named("p")
                .renameColumnByCopy(CUSTOMERS, "name", "full_name", ColumnType.TEXT)
                .build();
        DualWrite rule = plan.dualWrites().get(0);
        assertThat(rule.forward().get(0).expression().sql()).isEqualTo("\"name\"");
        assertThat(rule.backward().get(0).expression().sql()).isEqualTo("\"full_name\"");
        assertThat(plan.steps(Phase.CONTRACT)).hasSize(1);
    }
}
