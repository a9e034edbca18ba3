package dev.tandem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.plan.AddConstraint;
import dev.tandem.plan.AfterBackfill;
import dev.tandem.plan.BackfillMerge;
import dev.tandem.plan.BackfillMove;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Contract;
import dev.tandem.plan.CreateIndex;
import dev.tandem.plan.Enforcement;
import dev.tandem.plan.Expand;
import dev.tandem.plan.Identifier;
import dev.tandem.plan.MergeColumns;
import dev.tandem.plan.MoveColumns;
import dev.tandem.plan.Phase;
import dev.tandem.plan.RawChange;
import dev.tandem.plan.RenameColumn;
import dev.tandem.plan.ReplicaIdentity;
import dev.tandem.plan.SetDefault;
import dev.tandem.plan.SetNotNull;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.Step;
import dev.tandem.plan.TableName;
import dev.tandem.plan.ValidateConstraint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the constraint, index and raw operations compile to steps, and what the builder refuses. */
class OperationCatalogueTest {

    static final TableName ORDERS = TableName.of("orders");

    static List<String> ids(MigrationPlan plan) {
        return plan.steps().stream().map(s -> s.phase() + " " + s.id().value()).toList();
    }

    @Test
    void check_fromExpand_addsInExpand_validatesAfterBackfill() {
        MigrationPlan plan = MigrationPlan.named("p")
                .addCheck(ORDERS, "total_ok", SqlExpression.trusted("total >= 0"), Enforcement.FROM_EXPAND)
                .build();
        assertThat(plan.steps()).hasSize(2);
        assertThat(plan.steps().get(0)).isInstanceOf(Expand.class);
        assertThat(((Expand) plan.steps().get(0)).change()).isInstanceOf(AddConstraint.class);
        assertThat(plan.steps().get(1)).isInstanceOf(AfterBackfill.class);
        assertThat(((AfterBackfill) plan.steps().get(1)).change()).isInstanceOf(ValidateConstraint.class);
    }

    @Test
    void check_atContract_addsAndValidatesInContract() {
        MigrationPlan plan = MigrationPlan.named("p")
                .addCheck(ORDERS, "total_ok", SqlExpression.trusted("total >= 0"), Enforcement.AT_CONTRACT)
                .build();
        assertThat(plan.steps()).allMatch(s -> s instanceof Contract);
        assertThat(ids(plan)).containsExactly("CONTRACT orders.total_ok/add", "CONTRACT orders.total_ok/validate");
    }

    @Test
    void unique_buildsIndexConcurrently_thenAttachesIt() {
        MigrationPlan plan = MigrationPlan.named("p")
                .addUnique(ORDERS, "orders_ref_key", Enforcement.FROM_EXPAND, "ref")
                .build();
        assertThat(ids(plan))
                .containsExactly("EXPAND orders.orders_ref_key/build-index", "EXPAND orders.orders_ref_key/add");
        CreateIndex index = (CreateIndex) ((Expand) plan.steps().get(0)).change();
        assertThat(index.unique()).isTrue();
        assertThat(plan.steps().get(0).transactional()).isFalse();
        assertThat(plan.steps().get(1).transactional()).isTrue();
    }

    @Test
    void setNotNull_checkValidateThenSetAtContract() {
        MigrationPlan plan = MigrationPlan.named("p")
                .setNotNull(ORDERS, "status", Enforcement.FROM_EXPAND)
                .build();
        assertThat(ids(plan))
                .containsExactly(
                        "EXPAND orders.status/add-check",
                        "BACKFILL orders.status/validate",
                        "CONTRACT orders.status/set-not-null");
        SetNotNull set = (SetNotNull) ((Contract) plan.steps().get(2)).change();
        assertThat(set.check().value()).isEqualTo("status_not_null_tandem");
    }

    @Test
    void stepsOfAPhase_followPlanOrder() {
        MigrationPlan plan = MigrationPlan.named("p")
                .dropConstraint(ORDERS, "b_check")
                .rawSql(Phase.CONTRACT, SqlStatement.trusted("DROP VIEW v"), null, "gone")
                .dropIndex(ORDERS, "a_idx")
                .build();
        assertThat(ids(plan))
                .containsExactly(
                        "CONTRACT orders.b_check/drop-constraint",
                        "CONTRACT raw-1/contract",
                        "CONTRACT orders.a_idx/drop-index");
    }

    @Test
    void rawSql_severalStatements_oneStep_andAfterTheBackfill() {
        MigrationPlan plan = MigrationPlan.named("p")
                .rawSql(
                        Phase.EXPAND,
                        List.of(
                                SqlStatement.trusted("ALTER TABLE a RENAME TO b"),
                                SqlStatement.trusted("CREATE VIEW a AS SELECT * FROM b")),
                        List.of(SqlStatement.trusted("DROP VIEW a"), SqlStatement.trusted("ALTER TABLE b RENAME TO a")),
                        "one unit")
                .rawSql(Phase.BACKFILL, SqlStatement.trusted("ALTER TABLE b VALIDATE CONSTRAINT c"), null, "late")
                .build();
        Step first = plan.steps().get(0);
        assertThat(((RawChange) ((Expand) first).change()).statements()).hasSize(2);
        assertThat(plan.steps().get(1)).isInstanceOf(AfterBackfill.class);
        assertThat(plan.canonicalForm()).contains("raw-unit [").contains("after-backfill");
    }

    @Test
    void rawSql_severalStatements_withAConcurrentOne_isRefused() {
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .rawSql(
                                Phase.EXPAND,
                                List.of(
                                        SqlStatement.trusted("CREATE INDEX CONCURRENTLY i ON t (c)"),
                                        SqlStatement.trusted("ANALYZE t")),
                                List.of(),
                                "r")
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("cannot run in a transaction");
    }

    @Test
    void badOperations_allReportedAtOnce() {
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .addColumn(ORDERS, Column.named("c", ColumnType.TEXT).notNull())
                        .createIndex(Index.on(ORDERS).columns("a"))
                        .createIndex(Index.on(ORDERS).named("no_keys"))
                        .addCheck(ORDERS, "dup", SqlExpression.trusted("true"), Enforcement.FROM_EXPAND)
                        .addCheck(ORDERS, "dup", SqlExpression.trusted("false"), Enforcement.FROM_EXPAND)
                        .createIndex(Index.on(ORDERS).named("twice_idx").columns("a"))
                        .dropIndex(ORDERS, "twice_idx")
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("without a default")
                .hasMessageContaining("has no name")
                .hasMessageContaining("has no key")
                .hasMessageContaining("constraint \"dup\"")
                .hasMessageContaining("which this plan creates");
    }

    @Test
    void longNames_areShortenedWithAHash() {
        String column = "c".repeat(60);
        MigrationPlan plan = MigrationPlan.named("p")
                .setNotNull(ORDERS, column, Enforcement.FROM_EXPAND)
                .build();
        SetNotNull set = (SetNotNull) ((Contract) plan.steps().get(2)).change();
        assertThat(set.check().byteLength()).isLessThanOrEqualTo(63);
        assertThat(set.check().value()).startsWith("ccc");
    }

    @Test
    void renameTable_expandRenames_contractDropsTheView() {
        MigrationPlan plan =
                MigrationPlan.named("p").renameTable(ORDERS, "purchases").build();
        assertThat(ids(plan)).containsExactly("EXPAND orders/rename", "CONTRACT orders/drop-view");
    }

    @Test
    void createTable_foreignKeysValidatedAfterTheBackfill() {
        TableName addresses = TableName.of("addresses");
        MigrationPlan plan = MigrationPlan.named("p")
                .createTable(Table.named(addresses)
                        .column(Column.named("id", ColumnType.BIGINT).notNull())
                        .column(Column.named("order_id", ColumnType.BIGINT))
                        .primaryKey("id")
                        .foreignKey(ForeignKey.named("addresses_order_fk")
                                .from(addresses, "order_id")
                                .references(ORDERS, "id")))
                .build();
        assertThat(ids(plan))
                .containsExactly("EXPAND addresses/create-table", "BACKFILL addresses/validate-addresses_order_fk");
    }

    @Test
    void createTable_badShapes_areReported() {
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .createTable(Table.named(ORDERS).primaryKey("id"))
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("at least one column");
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .createTable(Table.named(ORDERS)
                                .column(Column.named("id", ColumnType.BIGINT))
                                .primaryKey("missing"))
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("primary key column \"missing\"");
    }

    @Test
    void droppedTable_takesNoOtherOperation() {
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .dropTable(ORDERS)
                        .dropTable(ORDERS)
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("one such operation per table");
    }

    @Test
    void renameColumn_copiesSyncsBothWaysBuildsIndexesAfterTheBackfill_andRenamesAtContract() {
        MigrationPlan plan = MigrationPlan.named("p")
                .renameColumn(ORDERS, "customer_id", "buyer_id")
                .build();
        assertThat(ids(plan))
                .containsExactly(
                        "EXPAND orders.customer_id-rename/copy",
                        "EXPAND orders.customer_id-rename/sync",
                        "BACKFILL orders.customer_id-rename/backfill",
                        "BACKFILL orders.customer_id-rename/copy-indexes",
                        "CONTRACT orders.customer_id-rename/rename");
        assertThat(plan.dualWrites().get(0).twoWay()).isTrue();
        assertThat(plan.steps().get(3).transactional()).isFalse();
        RenameColumn rename = (RenameColumn) ((Contract) plan.steps().get(4)).change();
        assertThat(rename.column().value()).isEqualTo("customer_id");
        assertThat(rename.newName().value()).isEqualTo("buyer_id");
    }

    @Test
    void renameColumn_toItsOwnName_orTwiceForOneColumn_isRefused() {
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .renameColumn(ORDERS, "note", "note")
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("to its own name");
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .renameColumn(ORDERS, "note", "remark")
                        .renameColumn(ORDERS, "note", "comment")
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("one operation per column");
    }

    @Test
    void moveColumns_createsInExpand_copiesInTheBackfill_dropsTheColumnsAtContract() {
        TableName details = TableName.of("order_details");
        MigrationPlan plan = MigrationPlan.named("p")
                .moveColumns(ORDERS, List.of("note", "gift_wrap"), details, "order_id")
                .build();
        assertThat(ids(plan))
                .containsExactly(
                        "EXPAND orders-to-order_details/extract",
                        "BACKFILL orders-to-order_details/backfill",
                        "CONTRACT orders-to-order_details/finish",
                        "CONTRACT orders-to-order_details/drop-note",
                        "CONTRACT orders-to-order_details/drop-gift_wrap");
        MoveColumns move = (MoveColumns) ((Expand) plan.steps().get(0)).change();
        assertThat(move.target()).isEqualTo(details);
        assertThat(move.targetKey().value()).isEqualTo("order_id");
        assertThat(((BackfillMove) plan.steps().get(1)).move()).isEqualTo(move);
        assertThat(plan.steps().get(1).transactional()).isFalse();
        assertThat(((Contract) plan.steps().get(2)).change()).isEqualTo(move);
        assertThat(plan.checksum())
                .isNotEqualTo(MigrationPlan.named("p")
                        .moveColumns(ORDERS, List.of("note"), details, "order_id")
                        .build()
                        .checksum());
    }

    @Test
    void mergeColumns_addsInExpand_copiesInTheBackfill_dropsTheColumnsAtContract() {
        TableName gifts = TableName.of("order_gifts");
        MigrationPlan plan = MigrationPlan.named("p")
                .mergeColumns(gifts, List.of("message"), ORDERS)
                .build();
        assertThat(ids(plan))
                .containsExactly(
                        "EXPAND order_gifts-into-orders/merge",
                        "BACKFILL order_gifts-into-orders/backfill",
                        "CONTRACT order_gifts-into-orders/finish",
                        "CONTRACT order_gifts-into-orders/drop-message");
        MergeColumns merge = (MergeColumns) ((Expand) plan.steps().get(0)).change();
        assertThat(merge.into()).isEqualTo(ORDERS);
        assertThat(((BackfillMerge) plan.steps().get(1)).merge()).isEqualTo(merge);
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .mergeColumns(gifts, List.of("message"), ORDERS)
                        .addColumn(ORDERS, "message", ColumnType.TEXT)
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("one operation per column");
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .mergeColumns(ORDERS, List.of("note"), ORDERS)
                        .build())
                .hasMessageContaining("into itself");
    }

    @Test
    void operations_areThePublicRecordsOfWhatTheUserWrote_inOrder_andNotPartOfTheChecksum() {
        MigrationPlan plan = MigrationPlan.named("p")
                .addColumn(ORDERS, "coupon", ColumnType.TEXT)
                .renameColumn(ORDERS, "note", "remark")
                .dropDefault(ORDERS, "status")
                .build();
        assertThat(plan.operations())
                .containsExactly(
                        new Operation.AddColumn(
                                ORDERS, Identifier.of("coupon"), ColumnType.TEXT, null, false, null, List.of()),
                        new Operation.RenameColumn(ORDERS, Identifier.of("note"), Identifier.of("remark")),
                        new Operation.SetDefault(ORDERS, Identifier.of("status"), null));
        // an exhaustive visitor: a new kind of operation breaks it at compile time
        List<String> tables = plan.operations().stream()
                .map(op -> op.accept(new Operation.Visitor<String>() {
                    @Override
                    public String visitAddColumn(Operation.AddColumn o) {
                        return "add " + o.column().value();
                    }

                    @Override
                    public String visitDeriveColumns(Operation.DeriveColumns o) {
                        return "derive";
                    }

                    @Override
                    public String visitDropColumn(Operation.DropColumn o) {
                        return "drop";
                    }

                    @Override
                    public String visitRawSql(Operation.RawSql o) {
                        return "raw";
                    }

                    @Override
                    public String visitCreateIndex(Operation.CreateIndex o) {
                        return "index";
                    }

                    @Override
                    public String visitDropIndex(Operation.DropIndex o) {
                        return "drop index";
                    }

                    @Override
                    public String visitAddConstraint(Operation.AddConstraint o) {
                        return "constraint";
                    }

                    @Override
                    public String visitSetNotNull(Operation.SetNotNull o) {
                        return "not null";
                    }

                    @Override
                    public String visitDropConstraint(Operation.DropConstraint o) {
                        return "drop constraint";
                    }

                    @Override
                    public String visitCreateTable(Operation.CreateTable o) {
                        return "create table";
                    }

                    @Override
                    public String visitDropTable(Operation.DropTable o) {
                        return "drop table";
                    }

                    @Override
                    public String visitRenameTable(Operation.RenameTable o) {
                        return "rename table";
                    }

                    @Override
                    public String visitChangeType(Operation.ChangeType o) {
                        return "type";
                    }

                    @Override
                    public String visitRenameColumn(Operation.RenameColumn o) {
                        return "rename " + o.column().value();
                    }

                    @Override
                    public String visitMoveColumns(Operation.MoveColumns o) {
                        return "move";
                    }

                    @Override
                    public String visitMergeColumns(Operation.MergeColumns o) {
                        return "merge";
                    }

                    @Override
                    public String visitSetDefault(Operation.SetDefault o) {
                        return (o.value() == null ? "drop default " : "set default ")
                                + o.column().value();
                    }

                    @Override
                    public String visitSetReplicaIdentity(Operation.SetReplicaIdentity o) {
                        return "replica identity";
                    }

                    @Override
                    public String visitDropNotNull(Operation.DropNotNull o) {
                        return "drop not null";
                    }

                    @Override
                    public String visitRenameConstraint(Operation.RenameConstraint o) {
                        return "rename constraint";
                    }
                }))
                .toList();
        assertThat(tables).containsExactly("add coupon", "rename note", "drop default status");
        assertThat(plan.checksum())
                .isEqualTo(MigrationPlan.named("p")
                        .addColumn(ORDERS, "coupon", ColumnType.TEXT)
                        .renameColumn(ORDERS, "note", "remark")
                        .dropDefault(ORDERS, "status")
                        .build()
                        .checksum());
    }

    @Test
    void moveColumns_badShapes_areReported() {
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .moveColumns(ORDERS, List.of(), TableName.of("x"), "k")
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("moves no columns");
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .moveColumns(ORDERS, List.of("note", "note"), TableName.of("x"), "k")
                        .build())
                .hasMessageContaining("moves column \"note\" twice");
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .moveColumns(ORDERS, List.of("note"), ORDERS, "k")
                        .build())
                .hasMessageContaining("into itself");
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .moveColumns(ORDERS, List.of("note"), TableName.of("x"), "k")
                        .createTable(Table.named(TableName.of("x")).column(Column.named("k", ColumnType.BIGINT)))
                        .build())
                .hasMessageContaining("one such operation per table and plan");
    }

    @Test
    void setDefault_inExpand_dropDefault_inContract_andNotOnAColumnThePlanAdds() {
        MigrationPlan plan = MigrationPlan.named("p")
                .setDefault(ORDERS, "status", SqlExpression.trusted("'open'"))
                .dropDefault(ORDERS, "note")
                .build();
        assertThat(ids(plan)).containsExactly("EXPAND orders.status/set-default", "CONTRACT orders.note/drop-default");
        assertThat(((SetDefault) ((Contract) plan.steps().get(1)).change()).defaultExpression())
                .isEmpty();
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .addColumn(ORDERS, Column.named("currency", ColumnType.TEXT))
                        .setDefault(ORDERS, "currency", SqlExpression.trusted("'EUR'"))
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("give it its default there");
    }

    @Test
    void defaultsAndRenames_changeTheChecksum() {
        String a = MigrationPlan.named("p")
                .setDefault(ORDERS, "status", SqlExpression.trusted("'open'"))
                .build()
                .checksum();
        String b = MigrationPlan.named("p")
                .setDefault(ORDERS, "status", SqlExpression.trusted("'done'"))
                .build()
                .checksum();
        String c = MigrationPlan.named("p")
                .setReplicaIdentity(ORDERS, ReplicaIdentity.FULL)
                .build()
                .checksum();
        String d = MigrationPlan.named("p")
                .setReplicaIdentity(ORDERS, ReplicaIdentity.usingIndex("orders_pkey"))
                .build()
                .checksum();
        assertThat(List.of(a, b, c, d)).doesNotHaveDuplicates();
    }

    @Test
    void replicaIdentity_namesItsIndexOnlyForIndex() {
        assertThat(ReplicaIdentity.usingIndex("orders_pkey").sql()).isEqualTo("USING INDEX \"orders_pkey\"");
        assertThat(ReplicaIdentity.FULL.sql()).isEqualTo("FULL");
        assertThatThrownBy(() -> new ReplicaIdentity("FULL", Identifier.of("orders_pkey")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaIdentity("SOME", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
