package dev.tandem.testkit;

import static dev.tandem.testkit.CustomersAddress.CUSTOMERS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.Column;
import dev.tandem.ForeignKey;
import dev.tandem.Index;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanBuilder;
import dev.tandem.Table;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Enforcement;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operation of Tandem's catalogue, walked by the harness with a version that lists and writes the table while
 * it changes: none may trip the harness's own checks (a unit that blocks writes for a full scan or a rewrite, a
 * rollback that leaves something behind, a second expand that fails). A false alarm here would teach users to accept
 * findings without reading them.
 */
@TandemTest
class OperationCatalogueIT {
    static final TableName ORDERS = TableName.of("orders");
    static final TableName EVENTS = TableName.of("events");

    static final DatabaseAction SCHEMA = ds -> {
        CustomersAddress.SCHEMA.run(ds);
        CustomersAddress.exec(
                ds,
                "CREATE TABLE orders (id serial PRIMARY KEY, customer_id int, total numeric(10, 2), note text);"
                        + " INSERT INTO orders (customer_id, total) SELECT g, g * 1.5 FROM generate_series(1, 40) g;"
                        + " CREATE TABLE events (id int NOT NULL, kind text);"
                        + " INSERT INTO events SELECT g, 'k' || g FROM generate_series(1, 40) g;"
                        + " CREATE TABLE order_notes (order_id int PRIMARY KEY REFERENCES orders (id), gift text);"
                        + " INSERT INTO order_notes SELECT g, 'wrap ' || g FROM generate_series(1, 40) g");
    };

    record Case(String name, UnaryOperator<PlanBuilder> operation) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> operations() {
        return Stream.of(
                new Case("addColumn", p -> p.addColumn(CUSTOMERS, "nickname", ColumnType.varchar(40))),
                new Case(
                        "addColumn NOT NULL with a default",
                        p -> p.addColumn(
                                CUSTOMERS,
                                Column.named("tier", ColumnType.TEXT)
                                        .withDefault(SqlExpression.trusted("'basic'"))
                                        .notNull())),
                new Case(
                        "createIndex",
                        p -> p.createIndex(
                                Index.on(CUSTOMERS).named("customers_name_idx").columns("name"))),
                new Case("dropIndex", p -> p.dropIndex(CUSTOMERS, "customers_created_idx")),
                new Case(
                        "addCheck",
                        p -> p.addCheck(
                                ORDERS,
                                "orders_total_positive",
                                SqlExpression.trusted("total > 0"),
                                Enforcement.FROM_EXPAND)),
                new Case(
                        "addForeignKey",
                        p -> p.addForeignKey(
                                ForeignKey.named("orders_customer_fk")
                                        .from(ORDERS, "customer_id")
                                        .references(CUSTOMERS, "id"),
                                Enforcement.AT_CONTRACT)),
                new Case(
                        "addUnique",
                        p -> p.addUnique(CUSTOMERS, "customers_name_key", Enforcement.AT_CONTRACT, "name")),
                new Case("setNotNull", p -> p.setNotNull(ORDERS, "customer_id", Enforcement.AT_CONTRACT)),
                new Case("dropNotNull", p -> p.dropNotNull(CUSTOMERS, "name")),
                new Case("setDefault", p -> p.setDefault(ORDERS, "note", SqlExpression.trusted("'none'"))),
                new Case("dropDefault", p -> p.dropDefault(CUSTOMERS, "created_at")),
                new Case("changeType", p -> p.changeType(ORDERS, "total", ColumnType.numeric(12, 2))),
                new Case("renameColumnByCopy", p -> p.renameColumnByCopy(ORDERS, "note", "remark", ColumnType.TEXT)),
                new Case("dropColumn", p -> p.dropColumn(ORDERS, "note")),
                new Case(
                        "createTable",
                        p -> p.createTable(Table.named(TableName.of("tags"))
                                .column(Column.named("id", ColumnType.BIGINT).notNull())
                                .column(Column.named("label", ColumnType.TEXT))
                                .primaryKey("id"))),
                new Case("renameColumn", p -> p.renameColumn(ORDERS, "note", "comment")),
                new Case("renameTable", p -> p.renameTable(ORDERS, "purchases")),
                new Case("addPrimaryKey", p -> p.addPrimaryKey(EVENTS, "events_pkey", Enforcement.AT_CONTRACT, "id")),
                new Case(
                        "changeType with a conversion",
                        p -> p.changeType(
                                ORDERS, "note", ColumnType.varchar(20), SqlExpression.trusted("left(note, 20)"))),
                new Case(
                        "moveColumns",
                        p -> p.moveColumns(
                                ORDERS, java.util.List.of("note"), TableName.of("order_remarks"), "order_id")),
                new Case(
                        "mergeColumns",
                        p -> p.mergeColumns(TableName.of("order_notes"), java.util.List.of("gift"), ORDERS)),
                new Case("dropTable", p -> p.dropTable(EVENTS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void operation_harness_findsNothingToFail(Case operation, CompatibilityHarness harness) {
        MigrationPlan plan = operation
                .operation()
                .apply(MigrationPlan.named(
                        "op-" + operation.name().replace(' ', '-').toLowerCase(java.util.Locale.ROOT)))
                .build();
        AppVersion v1 = AppVersion.named("v1")
                .operation("list customers", ds -> CustomersAddress.list(ds, "SELECT id, name FROM customers LIMIT 20"))
                .writes("customer", (ds, key) -> CustomersAddress.v1Insert(ds, key, "1 Main St, Boston, MA, 02101"))
                .reads(
                        "customer",
                        (ds, key) -> CustomersAddress.string(
                                ds, "SELECT name FROM customers WHERE email = ?", CustomersAddress.email(key)));
        AppVersion v2 = AppVersion.named("v2")
                .operation("list customers", ds -> CustomersAddress.list(ds, "SELECT id, name FROM customers LIMIT 20"))
                .reads(
                        "customer",
                        (ds, key) -> CustomersAddress.string(
                                ds, "SELECT name FROM customers WHERE email = ?", CustomersAddress.email(key)));

        CompatibilityReport report = harness.check(plan)
                .schema(SCHEMA)
                .seed(CustomersAddress.SEED)
                .oldVersion(v1)
                .newVersion(v2)
                .run();

        assertThat(report.failures()).as("%s", report).isEmpty();
    }
}
