package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.ForeignKey;
import dev.tandem.Index;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Enforcement;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Crash injection over the operation catalogue: a type change of a referenced primary key, a table rename, a unique
 * constraint, a foreign key, a NOT NULL and a concurrent index, with a crash before every state write and the same
 * phase run again; every run must end in the same schema.
 */
class CatalogueCrashIT {

    static final TableName CUSTOMERS = TableName.of("customers");
    static final TableName ORDERS = TableName.of("orders");

    static MigrationPlan plan() {
        return MigrationPlan.named("crash-catalogue")
                .changeType(CUSTOMERS, "id", ColumnType.BIGINT)
                .addCheck(
                        CUSTOMERS,
                        "customers_name_not_blank",
                        SqlExpression.trusted("name <> ''"),
                        Enforcement.FROM_EXPAND)
                .setNotNull(CUSTOMERS, "address", Enforcement.FROM_EXPAND)
                .createIndex(Index.on(CUSTOMERS).named("customers_name_idx").columns("name"))
                .renameTable(ORDERS, "purchases")
                .addUnique(TableName.of("items"), "items_sku_key", Enforcement.FROM_EXPAND, "sku")
                .addForeignKey(
                        ForeignKey.named("items_customer_fk")
                                .from(TableName.of("items"), "customer_id")
                                .references(CUSTOMERS, "id"),
                        Enforcement.FROM_EXPAND)
                .renameColumn(TableName.of("items"), "id", "item_id")
                .setDefault(CUSTOMERS, "updated_at", SqlExpression.trusted("'2001-01-01'::timestamp"))
                .moveColumns(
                        TableName.of("profiles"), List.of("bio", "site"), TableName.of("profile_details"), "profile_id")
                .build();
    }

    static void schema(DataSource ds) throws Exception {
        Db.customers(ds, 200);
        Db.exec(ds, "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id integer REFERENCES customers (id))");
        Db.exec(ds, "INSERT INTO orders (customer_id) SELECT (g % 200) + 1 FROM generate_series(1, 300) g");
        Db.exec(ds, "CREATE TABLE items (id bigserial PRIMARY KEY, sku text, customer_id integer)");
        Db.exec(
                ds,
                "INSERT INTO items (sku, customer_id) SELECT 'sku-' || g, (g % 200) + 1 FROM generate_series(1, 300) g");
        Db.exec(ds, "CREATE TABLE profiles (id bigserial PRIMARY KEY, handle text, bio text NOT NULL, site text)");
        Db.exec(
                ds,
                "INSERT INTO profiles (handle, bio, site) SELECT 'h' || g, 'bio ' || g,"
                        + " CASE WHEN g % 2 = 0 THEN 'https://' || g END FROM generate_series(1, 300) g");
    }

    @Test
    void fullLifecycle_recoversFromACrashBeforeEveryStateWrite() throws Exception {
        List<CrashInjectionIT.Phases> steps = new ArrayList<>();
        steps.add((m, p, ds) -> m.expand(p));
        steps.add((m, p, ds) -> m.backfill(p));
        steps.add((m, p, ds) -> m.verify(p));
        steps.add((m, p, ds) -> m.contract(p));
        CrashInjectionIT.everyPoint(
                steps,
                ds -> {
                    try {
                        assertThat(PostgresMigrator.create(ds).status(plan()).state())
                                .isEqualTo(PlanState.CONTRACTED);
                        assertThat(Db.strings(
                                        ds,
                                        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                                                + " WHERE attrelid = 'customers'::regclass AND attname = 'id'"))
                                .containsExactly("bigint");
                        assertThat(Db.strings(
                                        ds,
                                        "SELECT conname || ' ' || contype::text || ' ' || convalidated FROM pg_constraint"
                                                + " WHERE conrelid IN ('customers'::regclass, 'purchases'::regclass,"
                                                + " 'items'::regclass) AND contype <> 'n' ORDER BY 1"))
                                .containsExactly(
                                        "customers_email_key u true",
                                        "customers_name_not_blank c true",
                                        "customers_pkey p true",
                                        "items_customer_fk f true",
                                        "items_pkey p true",
                                        "items_sku_key u true",
                                        "orders_customer_id_fkey f true",
                                        "orders_pkey p true");
                        assertThat(Db.count(ds, "SELECT count(*) FROM pg_class WHERE relname = 'orders'"))
                                .isZero();
                        assertThat(OperationsIT.notNull(ds, "customers", "address"))
                                .isTrue();
                        assertThat(Db.triggers(ds, "customers")).isZero();
                        assertThat(Db.count(
                                        ds, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'tandem'::regnamespace"))
                                .isZero();
                        assertThat(Db.count(ds, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"))
                                .isZero();
                        assertThat(Db.strings(
                                        ds,
                                        "SELECT indexname FROM pg_indexes WHERE tablename = 'customers'"
                                                + " ORDER BY 1"))
                                .containsExactly("customers_email_key", "customers_name_idx", "customers_pkey");
                        Db.exec(
                                ds,
                                "INSERT INTO customers (name, email, address) VALUES ('After', 'after@example.com', 'a')");
                        assertThat(Db.strings(ds, "SELECT pg_get_serial_sequence('items', 'item_id')"))
                                .containsExactly("public.items_id_seq");
                        assertThat(Db.columns(ds, "items")).containsExactly("item_id", "sku", "customer_id");
                        Db.exec(ds, "INSERT INTO items (sku) VALUES ('after')");
                        assertThat(Db.columns(ds, "profiles")).containsExactly("id", "handle");
                        assertThat(Db.count(
                                        ds,
                                        "SELECT count(*) FROM profile_details WHERE bio = 'bio ' || profile_id"
                                                + " AND site IS NOT DISTINCT FROM CASE WHEN profile_id % 2 = 0"
                                                + " THEN 'https://' || profile_id END"))
                                .isEqualTo(300);
                        assertThat(Db.triggers(ds, "profile_details")).isZero();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                plan(),
                CatalogueCrashIT::schema);
    }

    @Test
    void expandBackfillRollback_recoversFromACrashBeforeEveryStateWrite_andRestoresTheSchema() throws Exception {
        List<String> original;
        try (dev.tandem.testkit.database.TestDatabase db = Db.fresh("crash")) {
            schema(db.dataSource());
            original = OperationsIT.schema(db.dataSource());
        }
        List<CrashInjectionIT.Phases> steps = new ArrayList<>();
        steps.add((m, p, ds) -> m.expand(p));
        steps.add((m, p, ds) -> m.backfill(p));
        steps.add((m, p, ds) -> m.rollback(p));
        CrashInjectionIT.everyPoint(
                steps,
                ds -> {
                    try {
                        assertThat(OperationsIT.schema(ds)).isEqualTo(original);
                        assertThat(Db.count(
                                        ds, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'tandem'::regnamespace"))
                                .isZero();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                plan(),
                CatalogueCrashIT::schema);
    }
}
