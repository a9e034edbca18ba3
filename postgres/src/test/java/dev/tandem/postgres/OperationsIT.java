package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.Column;
import dev.tandem.DeriveColumns;
import dev.tandem.ForeignKey;
import dev.tandem.Index;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanBuilder;
import dev.tandem.PlanValidationException;
import dev.tandem.StepExecutionException;
import dev.tandem.Table;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Enforcement;
import dev.tandem.plan.Phase;
import dev.tandem.plan.ReferentialAction;
import dev.tandem.plan.ReplicaIdentity;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared per-operation test: every operation of the catalogue runs expand → rollback → expand again → backfill
 * (with concurrent old-version writes) → verify → contract, with an old-version and a new-version client probing after
 * every unit of work; every probe must succeed, and after rollback the schema equals the original.
 */
class OperationsIT {

    static final TableName ORDERS = TableName.of("orders");
    static final TableName CUSTOMERS = TableName.of("customers");

    /**
     * One operation under test.
     *
     * @param name the case
     * @param operations the plan's operations
     * @param oldVersion what the old version runs, in one transaction, in every state until contract
     * @param newVersion what the new version runs once it may (after the backfill)
     * @param explainShows texts the plan's explanation must contain (its safe forms)
     * @param after a check of the schema after contract
     */
    record Case(
            String name,
            UnaryOperator<PlanBuilder> operations,
            List<String> oldVersion,
            List<String> newVersion,
            List<String> explainShows,
            SchemaCheck after) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface SchemaCheck {
        void check(DataSource ds) throws SQLException;
    }

    static final String OLD_INSERT = "INSERT INTO orders (customer_id, total, status) VALUES (1, 10, 'open')";
    static final String OLD_UPDATE = "UPDATE orders SET total = total + 1, status = 'done' WHERE id = 7";
    static final String OLD_READ = "SELECT id, customer_id, total, status, note FROM orders WHERE id = 7";
    static final String OLD_CUSTOMER = "INSERT INTO customers (name, email, address)"
            + " VALUES ('p ' || gen_random_uuid(), gen_random_uuid() || '@example.com', '1 Main St, Springfield, IL, 1')";

    static Stream<Case> cases() {
        List<String> oldOrders = List.of(OLD_INSERT, OLD_UPDATE, OLD_READ);
        return Stream.of(
                new Case(
                        "NOT NULL column with a default",
                        p -> p.addColumn(
                                ORDERS,
                                Column.named("currency", ColumnType.TEXT)
                                        .withDefault(SqlExpression.trusted("'EUR'"))
                                        .notNull()),
                        oldOrders,
                        List.of(
                                "INSERT INTO orders (customer_id, total, status, currency) VALUES (2, 5, 'open', 'USD')",
                                "SELECT currency FROM orders WHERE id = 1 AND currency = 'EUR'"),
                        List.of("ADD COLUMN \"currency\" text DEFAULT 'EUR' NOT NULL"),
                        ds -> {
                            assertThat(Db.count(ds, "SELECT count(*) FROM orders WHERE currency IS NULL"))
                                    .isZero();
                            assertThat(notNull(ds, "orders", "currency")).isTrue();
                        }),
                new Case(
                        "create index concurrently: partial, expression, INCLUDE",
                        p -> p.createIndex(Index.on(ORDERS)
                                        .named("orders_open_idx")
                                        .columns("customer_id")
                                        .include("total")
                                        .where(SqlExpression.trusted("status = 'open'")))
                                .createIndex(Index.on(ORDERS)
                                        .named("orders_lower_status_idx")
                                        .expression(SqlExpression.trusted("lower(status)"))),
                        oldOrders,
                        List.of("SELECT count(*) FROM orders WHERE status = 'open' AND customer_id = 3"),
                        List.of("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"orders_open_idx\"", "INCLUDE (\"total\")"),
                        ds -> {
                            assertThat(validIndex(ds, "orders_open_idx")).isTrue();
                            assertThat(validIndex(ds, "orders_lower_status_idx"))
                                    .isTrue();
                        }),
                new Case(
                        "add foreign key",
                        p -> p.addForeignKey(
                                ForeignKey.named("orders_customer_fk")
                                        .from(ORDERS, "customer_id")
                                        .references(CUSTOMERS, "id")
                                        .onDelete(ReferentialAction.RESTRICT),
                                Enforcement.FROM_EXPAND),
                        List.of(OLD_INSERT, OLD_UPDATE, OLD_READ, OLD_CUSTOMER),
                        List.of("INSERT INTO orders (customer_id, total, status) VALUES (3, 1, 'open')"),
                        List.of("NOT VALID", "VALIDATE CONSTRAINT \"orders_customer_fk\""),
                        ds -> assertThat(validated(ds, "orders_customer_fk")).isTrue()),
                new Case(
                        "add unique",
                        p -> p.addUnique(CUSTOMERS, "customers_name_key", Enforcement.FROM_EXPAND, "name"),
                        List.of(OLD_CUSTOMER, "UPDATE customers SET address = 'x' WHERE id = 4"),
                        List.of(OLD_CUSTOMER),
                        List.of(
                                "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"customers_name_key\"",
                                "UNIQUE USING INDEX \"customers_name_key\""),
                        ds -> assertThat(Db.count(
                                        ds,
                                        "SELECT count(*) FROM pg_constraint WHERE conname = 'customers_name_key'"
                                                + " AND contype = 'u'"))
                                .isEqualTo(1)),
                new Case(
                        "add CHECK, enforced from expand",
                        p -> p.addCheck(
                                ORDERS,
                                "orders_total_not_negative",
                                SqlExpression.trusted("total >= 0"),
                                Enforcement.FROM_EXPAND),
                        oldOrders,
                        List.of("UPDATE orders SET total = 0 WHERE id = 8"),
                        List.of("CHECK (total >= 0) NOT VALID", "VALIDATE CONSTRAINT \"orders_total_not_negative\""),
                        ds -> assertThat(validated(ds, "orders_total_not_negative"))
                                .isTrue()),
                new Case(
                        "add CHECK, enforced at contract",
                        p -> p.addCheck(
                                ORDERS,
                                "orders_status_known",
                                SqlExpression.trusted("status IN ('open', 'done')"),
                                Enforcement.AT_CONTRACT),
                        List.of(
                                OLD_INSERT,
                                // the old version may still write what the check rejects, until contract
                                "INSERT INTO orders (customer_id, total, status) VALUES (1, 1, 'legacy')",
                                "DELETE FROM orders WHERE status = 'legacy'"),
                        List.of("UPDATE orders SET status = 'done' WHERE id = 9"),
                        List.of("VALIDATE CONSTRAINT \"orders_status_known\""),
                        ds -> assertThat(validated(ds, "orders_status_known")).isTrue()),
                new Case(
                        "set NOT NULL",
                        p -> p.setNotNull(ORDERS, "status", Enforcement.FROM_EXPAND),
                        oldOrders,
                        List.of("UPDATE orders SET status = 'done' WHERE id = 10"),
                        List.of("IS NOT NULL) NOT VALID", "SET NOT NULL"),
                        ds -> {
                            assertThat(notNull(ds, "orders", "status")).isTrue();
                            assertThat(Db.count(
                                            ds,
                                            "SELECT count(*) FROM pg_constraint WHERE conname ="
                                                    + " 'status_not_null_tandem'"))
                                    .isZero();
                        }),
                new Case(
                        "drop index and constraint",
                        p -> p.dropIndex(ORDERS, "orders_note_idx").dropConstraint(ORDERS, "orders_note_short"),
                        oldOrders,
                        List.of("INSERT INTO orders (customer_id, total, status, note) VALUES (1, 1, 'open', 'short')"),
                        List.of("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_note_idx\""),
                        ds -> {
                            assertThat(Db.count(ds, "SELECT count(*) FROM pg_class WHERE relname = 'orders_note_idx'"))
                                    .isZero();
                            assertThat(Db.count(
                                            ds,
                                            "SELECT count(*) FROM pg_constraint WHERE conname = 'orders_note_short'"))
                                    .isZero();
                        }),
                new Case(
                        "rename table: renamed and a view under the old name, in one unit",
                        p -> p.rawSql(
                                        Phase.EXPAND,
                                        List.of(
                                                SqlStatement.trusted("ALTER TABLE orders RENAME TO purchases"),
                                                // raw SQL creates in the first schema of its path, pg_catalog: qualify
                                                SqlStatement.trusted(
                                                        "CREATE VIEW public.orders AS SELECT * FROM purchases")),
                                        List.of(
                                                SqlStatement.trusted("DROP VIEW orders"),
                                                SqlStatement.trusted("ALTER TABLE purchases RENAME TO orders")),
                                        "the old version keeps using orders through the view")
                                .rawSql(
                                        Phase.CONTRACT,
                                        SqlStatement.trusted("DROP VIEW orders"),
                                        null,
                                        "the old version is gone"),
                        oldOrders,
                        List.of("INSERT INTO purchases (customer_id, total, status) VALUES (1, 2, 'open')"),
                        List.of("ALTER TABLE orders RENAME TO purchases", "CREATE VIEW public.orders"),
                        ds -> assertThat(Db.count(ds, "SELECT count(*) FROM purchases"))
                                .isPositive()),
                new Case(
                        "rename table",
                        p -> p.renameTable(ORDERS, "purchases"),
                        List.of(
                                OLD_INSERT,
                                OLD_UPDATE,
                                OLD_READ,
                                "INSERT INTO orders (id, customer_id, total, status) VALUES (7, 1, 3, 'open')"
                                        + " ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total RETURNING id",
                                "DELETE FROM orders WHERE id = 600"),
                        List.of(
                                "INSERT INTO purchases (customer_id, total, status) VALUES (1, 2, 'open') RETURNING id"),
                        List.of(
                                "ALTER TABLE \"public\".\"orders\" RENAME TO \"purchases\"",
                                "security_invoker",
                                "DROP VIEW IF EXISTS \"public\".\"orders\""),
                        ds -> {
                            assertThat(Db.count(ds, "SELECT count(*) FROM pg_class WHERE relname = 'orders'"))
                                    .isZero();
                            assertThat(Db.count(ds, "SELECT count(*) FROM purchases"))
                                    .isGreaterThan(500);
                        }),
                new Case(
                        "create table with keys, a check and a foreign key",
                        p -> p.createTable(Table.named(TableName.of("addresses"))
                                .column(Column.named("id", ColumnType.of("bigserial")))
                                .column(Column.named("customer_id", ColumnType.INTEGER)
                                        .notNull())
                                .column(Column.named("line", ColumnType.TEXT)
                                        .withDefault(SqlExpression.trusted("''"))
                                        .notNull())
                                .primaryKey("id")
                                .unique("addresses_customer_line_key", "customer_id", "line")
                                .check("addresses_line_short", SqlExpression.trusted("length(line) < 500"))
                                .foreignKey(ForeignKey.named("addresses_customer_fk")
                                        .from(TableName.of("addresses"), "customer_id")
                                        .references(CUSTOMERS, "id"))),
                        oldOrders,
                        List.of("INSERT INTO addresses (customer_id, line) VALUES (1, 'l ' || gen_random_uuid())"),
                        List.of(
                                "CREATE TABLE \"public\".\"addresses\"",
                                "VALIDATE CONSTRAINT \"addresses_customer_fk\""),
                        ds -> assertThat(validated(ds, "addresses_customer_fk")).isTrue()),
                new Case(
                        "drop table",
                        p -> p.dropTable(ORDERS),
                        oldOrders,
                        List.of("SELECT count(*) FROM customers"),
                        List.of("DROP TABLE IF EXISTS \"public\".\"orders\""),
                        ds -> assertThat(Db.count(ds, "SELECT count(*) FROM pg_class WHERE relname = 'orders'"))
                                .isZero()),
                new Case(
                        "int to bigint on a primary key referenced by a foreign key, keeping the name id",
                        p -> p.changeType(CUSTOMERS, "id", ColumnType.BIGINT),
                        List.of(
                                OLD_CUSTOMER,
                                OLD_INSERT,
                                "SELECT id, name FROM customers WHERE id = 5",
                                "UPDATE customers SET name = name || '' WHERE id = 6"),
                        List.of(OLD_CUSTOMER, "SELECT id FROM customers WHERE id = 5", OLD_INSERT),
                        List.of(
                                "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"tandem_swap_",
                                "PRIMARY KEY USING INDEX",
                                "REFERENCES public.customers(id)",
                                "VALIDATE CONSTRAINT \"orders_customer_ref\""),
                        ds -> {
                            assertThat(Db.strings(
                                            ds,
                                            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                                                    + " WHERE attrelid = 'customers'::regclass AND attname = 'id'"))
                                    .containsExactly("bigint");
                            assertThat(Db.count(
                                            ds,
                                            "SELECT count(*) FROM pg_constraint WHERE conname = 'customers_pkey'"
                                                    + " AND contype = 'p'"))
                                    .isEqualTo(1);
                            assertThat(validated(ds, "orders_customer_ref")).isTrue();
                            assertThat(Db.strings(ds, "SELECT pg_get_serial_sequence('customers', 'id')"))
                                    .containsExactly("public.customers_id_seq");
                            assertThat(notNull(ds, "customers", "id")).isTrue();
                            Db.exec(ds, OLD_CUSTOMER);
                            assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE id IS NULL"))
                                    .isZero();
                        }),
                new Case(
                        "text to jsonb, keeping the name",
                        p -> p.changeType(ORDERS, "payload", ColumnType.JSONB, SqlExpression.trusted("payload::jsonb")),
                        List.of(OLD_READ, "UPDATE orders SET payload = '{\"n\": 1}' WHERE id = 7", OLD_INSERT),
                        List.of(
                                "UPDATE orders SET payload = '{\"n\": 2}' WHERE id = 8",
                                "SELECT payload FROM orders WHERE id = 8"),
                        List.of(
                                "ADD COLUMN \"payload__tandem\" jsonb",
                                "RENAME COLUMN \"payload__tandem\" TO \"payload\""),
                        ds -> {
                            assertThat(Db.strings(
                                            ds,
                                            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                                                    + " WHERE attrelid = 'orders'::regclass AND attname = 'payload'"))
                                    .containsExactly("jsonb");
                            assertThat(Db.strings(ds, "SELECT payload->>'n' FROM orders WHERE id = 9"))
                                    .containsExactly("9");
                        }),
                new Case(
                        "add primary key",
                        p -> p.addPrimaryKey(TableName.of("events"), "events_pkey", Enforcement.FROM_EXPAND, "id"),
                        List.of(
                                "INSERT INTO events (id, kind) VALUES (nextval('events_seq'), 'old')",
                                "SELECT kind FROM events WHERE id = 5"),
                        List.of("INSERT INTO events (id, kind) VALUES (nextval('events_seq'), 'new')"
                                + " ON CONFLICT (id) DO NOTHING"),
                        List.of(
                                "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"events_pkey\"",
                                "PRIMARY KEY USING INDEX \"events_pkey\""),
                        ds -> {
                            assertThat(
                                            Db.strings(
                                                    ds,
                                                    "SELECT conrelid::regclass || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)"
                                                            + " FROM pg_constraint WHERE conname = 'events_pkey' AND conrelid = 'public.events'::regclass"))
                                    .containsExactly("events p PRIMARY KEY (id)");
                            assertThat(notNull(ds, "events", "id")).isTrue();
                        }),
                new Case(
                        "add a nullable column",
                        p -> p.addColumn(ORDERS, "coupon", ColumnType.TEXT),
                        oldOrders,
                        List.of("UPDATE orders SET coupon = 'X1' WHERE id = 12"),
                        List.of("ADD COLUMN \"coupon\" text"),
                        ds -> assertThat(Db.columns(ds, "orders")).contains("coupon")),
                new Case(
                        "split a column (the address story)",
                        p -> p.deriveColumns(Plans.addressSplit(UnmappedPolicy.RECORD))
                                .dropColumn(CUSTOMERS, "address"),
                        List.of(
                                OLD_CUSTOMER,
                                "UPDATE customers SET address = '2 B St, Boston, MA, 02101' WHERE id = 8"),
                        List.of(
                                "INSERT INTO customers (name, email, street_address, city, state, zip_code) VALUES"
                                        + " ('n ' || gen_random_uuid(), gen_random_uuid() || '@x.org', '1 A St', 'Austin',"
                                        + " 'TX', '73301')",
                                "UPDATE customers SET city = 'Dallas' WHERE id = 9"),
                        List.of("split_part(address, ',', 2)", "DROP COLUMN IF EXISTS \"address\""),
                        ds -> assertThat(Db.columns(ds, "customers"))
                                .contains("city")
                                .doesNotContain("address")),
                new Case(
                        "extract table: columns move into a new table keyed by a foreign key",
                        p -> p.moveColumns(
                                CUSTOMERS,
                                List.of("name", "address"),
                                TableName.of("customer_profiles"),
                                "customer_id"),
                        List.of(
                                OLD_CUSTOMER,
                                "UPDATE customers SET address = '9 Old Rd' WHERE id = 5",
                                "UPDATE customers SET name = 'Renamed 4', address = NULL WHERE id = 4",
                                "SELECT name, address FROM customers WHERE id = 6"),
                        List.of(
                                "INSERT INTO customers (email) VALUES (gen_random_uuid() || '@x.org')",
                                "INSERT INTO customer_profiles (customer_id, name, address)"
                                        + " VALUES (currval('customers_id_seq'), 'New', '1 New St')",
                                "UPDATE customer_profiles SET address = '2 New St' WHERE customer_id = 9",
                                "SELECT name, address FROM customer_profiles WHERE customer_id = 10"),
                        List.of(
                                "CREATE TABLE \"public\".\"customer_profiles\"",
                                "ON DELETE CASCADE ON UPDATE CASCADE",
                                "FOR KEY SHARE OF s",
                                "ALTER COLUMN \"name\" DROP NOT NULL",
                                "DROP COLUMN IF EXISTS \"address\""),
                        ds -> {
                            assertThat(Db.columns(ds, "customers")).doesNotContain("name", "address");
                            assertThat(Db.columns(ds, "customer_profiles"))
                                    .containsExactly("customer_id", "name", "address");
                            assertThat(notNull(ds, "customer_profiles", "name")).isTrue();
                            assertThat(Db.strings(
                                            ds,
                                            "SELECT name || ' / ' || coalesce(address, '-') FROM customer_profiles"
                                                    + " WHERE customer_id IN (4, 5, 9) ORDER BY customer_id"))
                                    .containsExactly("Renamed 4 / -", "Customer 5 / 9 Old Rd", "Customer 9 / 2 New St");
                            assertThat(Db.count(
                                            ds,
                                            "SELECT count(*) FROM customers c LEFT JOIN customer_profiles p"
                                                    + " ON p.customer_id = c.id WHERE p.customer_id IS NULL"))
                                    .as("every customer has a profile: each was written with a name")
                                    .isZero();
                            assertThat(Db.count(ds, "SELECT count(*) FROM customer_profiles WHERE name LIKE 'p %'"))
                                    .as("profiles of the old version's inserts")
                                    .isPositive();
                            assertThat(Db.count(ds, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tandem%'"))
                                    .isZero();
                        }),
                new Case(
                        "merge table: the columns of a 1:1 table move back into the table it extends",
                        p -> p.mergeColumns(
                                TableName.of("parcel_gifts"), List.of("message", "wrap"), TableName.of("parcels")),
                        List.of(
                                "INSERT INTO parcel_gifts (parcel_id, message) VALUES (20, 'hi') ON CONFLICT (parcel_id)"
                                        + " DO UPDATE SET message = EXCLUDED.message",
                                "UPDATE parcel_gifts SET wrap = 'gold' WHERE parcel_id = 3",
                                "DELETE FROM parcel_gifts WHERE parcel_id = 30",
                                "SELECT message, wrap FROM parcel_gifts WHERE parcel_id = 4"),
                        List.of(
                                "UPDATE parcels SET message = 'new', wrap = 'red' WHERE id = 5",
                                "INSERT INTO parcels (label, message) VALUES ('n', 'gift')",
                                "DELETE FROM parcels WHERE id = 290",
                                "SELECT message, wrap FROM parcels WHERE id = 6"),
                        List.of(
                                "ADD COLUMN \"message\" text",
                                "FOR SHARE OF n",
                                "CREATE TRIGGER \"RI_0_tandem_sync_",
                                "DROP COLUMN IF EXISTS \"message\""),
                        ds -> {
                            assertThat(Db.columns(ds, "parcel_gifts")).containsExactly("parcel_id");
                            // 30: the old version deleted its gift in the first expand; the second one gave it the
                            // default again, and a default alone is no value of its own
                            assertThat(Db.strings(
                                            ds,
                                            "SELECT id || ' ' || coalesce(message, '-') || ' ' || coalesce(wrap, '-')"
                                                    + " FROM parcels WHERE id IN (3, 4, 5, 20, 30, 301) ORDER BY id"))
                                    .containsExactly(
                                            "3 msg 3 gold",
                                            "4 msg 4 gold",
                                            "5 new red",
                                            "20 hi gold",
                                            "30 - plain",
                                            "301 - plain");
                            assertThat(Db.count(ds, "SELECT count(*) FROM parcels WHERE id = 290"))
                                    .isZero();
                            assertThat(Db.count(ds, "SELECT count(*) FROM parcels WHERE message = 'gift'"))
                                    .isPositive();
                            assertThat(Db.count(ds, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%tandem%'"))
                                    .isZero();
                        }),
                new Case(
                        "merge two columns",
                        p -> p.deriveColumns(DeriveColumns.on(ORDERS)
                                        .named("orders.summary")
                                        .from("status", "note")
                                        .into(
                                                "summary",
                                                ColumnType.TEXT,
                                                SqlExpression.trusted("concat_ws(' | ', status, note)"))
                                        .backward("status", SqlExpression.trusted("split_part(summary, ' | ', 1)"))
                                        .backward(
                                                "note",
                                                SqlExpression.trusted("NULLIF(split_part(summary, ' | ', 2), '')")))
                                .dropColumn(ORDERS, "status")
                                .dropColumn(ORDERS, "note"),
                        oldOrders,
                        List.of(
                                "UPDATE orders SET summary = 'done | shipped' WHERE id = 11",
                                "INSERT INTO orders (customer_id, total, summary) VALUES (1, 1, 'open | new')"),
                        List.of("concat_ws(' | ', status, note)"),
                        ds -> {
                            assertThat(Db.columns(ds, "orders"))
                                    .contains("summary")
                                    .doesNotContain("status", "note");
                            assertThat(Db.strings(ds, "SELECT summary FROM orders WHERE id = 11"))
                                    .containsExactly("done | shipped");
                        }),
                new Case(
                        "drop a NOT NULL column without a default",
                        p -> p.dropColumn(CUSTOMERS, "name"),
                        List.of(OLD_CUSTOMER, "SELECT name FROM customers WHERE id = 3"),
                        List.of("INSERT INTO customers (email, address) VALUES (gen_random_uuid() || '@x.org', 'a')"),
                        List.of("ALTER COLUMN \"name\" DROP NOT NULL", "DROP COLUMN IF EXISTS \"name\""),
                        ds -> assertThat(Db.columns(ds, "customers")).doesNotContain("name")),
                new Case(
                        "rename a column by copy, keeping its default, NOT NULL and unique constraint",
                        p -> p.renameColumnByCopy(CUSTOMERS, "email", "email_address", ColumnType.varchar(255)),
                        List.of(OLD_CUSTOMER, "UPDATE customers SET email = 'c7-new@example.com' WHERE id = 7"),
                        List.of(
                                "INSERT INTO customers (name, email_address, address) VALUES ('n ' || gen_random_uuid(),"
                                        + " gen_random_uuid() || '@x.org', 'a')",
                                "SELECT email_address FROM customers WHERE id = 7"),
                        List.of("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS"),
                        ds -> {
                            assertThat(notNull(ds, "customers", "email_address"))
                                    .isTrue();
                            assertThat(Db.strings(
                                            ds,
                                            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                                                    + " WHERE conname = 'customers_email_key'"))
                                    .containsExactly("UNIQUE (email_address)");
                        }),
                new Case(
                        "rename a primary key column referenced by a foreign key, keeping its sequence, NOT NULL,"
                                + " primary key and the foreign key in",
                        p -> p.renameColumn(CUSTOMERS, "id", "customer_no"),
                        List.of(
                                OLD_CUSTOMER,
                                OLD_INSERT,
                                "SELECT id, name FROM customers WHERE id = 5",
                                "UPDATE customers SET name = name || '' WHERE id = 6"),
                        List.of(
                                OLD_CUSTOMER,
                                "INSERT INTO customers (customer_no, name, email) SELECT max(customer_no) + 1000,"
                                        + " 'n ' || gen_random_uuid(), gen_random_uuid() || '@x.org' FROM customers",
                                "SELECT customer_no, name FROM customers WHERE customer_no = 5",
                                "UPDATE customers SET name = name || '' WHERE customer_no = 6",
                                OLD_INSERT),
                        List.of(
                                "ADD COLUMN \"customer_no\" integer",
                                "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS",
                                "DROP COLUMN \"customer_no\"",
                                "RENAME COLUMN \"id\" TO \"customer_no\""),
                        ds -> {
                            assertThat(Db.columns(ds, "customers"))
                                    .contains("customer_no")
                                    .doesNotContain("id");
                            assertThat(Db.strings(ds, "SELECT pg_get_serial_sequence('customers', 'customer_no')"))
                                    .containsExactly("public.customers_id_seq");
                            assertThat(notNull(ds, "customers", "customer_no")).isTrue();
                            assertThat(Db.strings(
                                            ds,
                                            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                                                    + " WHERE conname IN ('customers_pkey', 'orders_customer_ref')"
                                                    + " ORDER BY conname"))
                                    .containsExactly(
                                            "PRIMARY KEY (customer_no)",
                                            "FOREIGN KEY (customer_id) REFERENCES customers(customer_no)");
                            assertThat(validated(ds, "orders_customer_ref")).isTrue();
                            assertThat(Db.count(ds, "SELECT count(*) FROM pg_indexes WHERE tablename = 'customers'"))
                                    .as("the copy's indexes went with it")
                                    .isEqualTo(2);
                            Db.exec(ds, "INSERT INTO customers (name, email) VALUES ('after', 'after@x.org')");
                            assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE customer_no IS NULL"))
                                    .isZero();
                        }),
                new Case(
                        "rename columns with a foreign key out, a check and an index",
                        p -> p.renameColumn(ORDERS, "customer_id", "buyer_id").renameColumn(ORDERS, "note", "remark"),
                        List.of(OLD_INSERT, OLD_UPDATE, OLD_READ, "UPDATE orders SET note = 'n' WHERE id = 9"),
                        List.of(
                                "INSERT INTO orders (buyer_id, total, status, remark) VALUES (2, 5, 'open', 'hi')",
                                "UPDATE orders SET remark = 'r', buyer_id = 3 WHERE id = 8",
                                "SELECT buyer_id, remark FROM orders WHERE id = 8 AND remark = 'r' AND buyer_id = 3"),
                        List.of(
                                "RENAME COLUMN \"customer_id\" TO \"buyer_id\"",
                                "RENAME COLUMN \"note\" TO \"remark\""),
                        ds -> {
                            assertThat(Db.strings(
                                            ds,
                                            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                                                    + " WHERE conname IN ('orders_customer_ref', 'orders_note_short')"
                                                    + " ORDER BY conname"))
                                    .containsExactly(
                                            "FOREIGN KEY (buyer_id) REFERENCES customers(id)",
                                            "CHECK ((length(remark) < 100))");
                            assertThat(Db.strings(
                                            ds, "SELECT indexdef FROM pg_indexes WHERE indexname = 'orders_note_idx'"))
                                    .containsExactly(
                                            "CREATE INDEX orders_note_idx ON public.orders USING btree (remark)");
                            assertThat(Db.strings(ds, "SELECT remark FROM orders WHERE id = 8"))
                                    .containsExactly("r");
                        }),
                new Case(
                        "set defaults: rollback restores the previous one, or none",
                        p -> p.setDefault(CUSTOMERS, "created_at", SqlExpression.trusted("'2000-01-01'::timestamp"))
                                .setDefault(ORDERS, "status", SqlExpression.trusted("'open'")),
                        List.of(OLD_CUSTOMER, OLD_INSERT, OLD_READ),
                        List.of(OLD_CUSTOMER, "INSERT INTO orders (customer_id, total) VALUES (4, 2)"),
                        List.of(
                                "ALTER COLUMN \"created_at\" SET DEFAULT '2000-01-01'::timestamp",
                                "INSERT INTO \"tandem\".\"saved\""),
                        ds -> {
                            assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE created_at = '2000-01-01'"))
                                    .isPositive();
                            assertThat(Db.count(ds, "SELECT count(*) FROM orders WHERE status IS NULL"))
                                    .isZero();
                        }),
                new Case(
                        "drop a default at contract",
                        p -> p.dropDefault(CUSTOMERS, "updated_at"),
                        List.of(OLD_CUSTOMER),
                        List.of("INSERT INTO customers (name, email, updated_at) VALUES ('n ' || gen_random_uuid(),"
                                + " gen_random_uuid() || '@x.org', now())"),
                        List.of("ALTER COLUMN \"updated_at\" DROP DEFAULT"),
                        ds -> assertThat(Db.count(
                                        ds,
                                        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers'"
                                                + " AND column_name = 'updated_at' AND column_default IS NULL"))
                                .isEqualTo(1)),
                new Case(
                        "set replica identity: FULL, and using a unique index",
                        p -> p.setReplicaIdentity(ORDERS, ReplicaIdentity.FULL)
                                .setReplicaIdentity(CUSTOMERS, ReplicaIdentity.usingIndex("customers_email_key")),
                        List.of(OLD_INSERT, OLD_UPDATE, OLD_CUSTOMER),
                        List.of(OLD_INSERT, OLD_CUSTOMER),
                        List.of("REPLICA IDENTITY FULL", "REPLICA IDENTITY USING INDEX \"customers_email_key\""),
                        ds -> {
                            assertThat(Db.strings(
                                            ds,
                                            "SELECT relname || ' ' || relreplident::text FROM pg_class"
                                                    + " WHERE relname IN ('orders', 'customers') ORDER BY 1"))
                                    .containsExactly("customers i", "orders f");
                            assertThat(Db.strings(
                                            ds, "SELECT indexrelid::regclass::text FROM pg_index WHERE indisreplident"))
                                    .containsExactly("customers_email_key");
                        }),
                new Case(
                        "NOT NULL column filled by an expression",
                        p -> p.addColumn(
                                CUSTOMERS,
                                Column.named("email_domain", ColumnType.TEXT)
                                        .notNull()
                                        .filledFrom(SqlExpression.trusted("split_part(email, '@', 2)"), "email")),
                        List.of(OLD_CUSTOMER, "UPDATE customers SET email = 'c9@moved.example' WHERE id = 9"),
                        // the new version writes the column itself: after contract no trigger fills it
                        List.of(
                                "INSERT INTO customers (name, email, address, email_domain) VALUES"
                                        + " ('n ' || gen_random_uuid(), 'n@new.example', 'a', 'new.example')"
                                        + " ON CONFLICT (email) DO NOTHING",
                                "SELECT email_domain FROM customers WHERE id = 9"),
                        List.of("split_part(email, '@', 2)", "IS NOT NULL) NOT VALID", "SET NOT NULL"),
                        ds -> {
                            assertThat(notNull(ds, "customers", "email_domain")).isTrue();
                            assertThat(Db.strings(ds, "SELECT email_domain FROM customers WHERE id = 9"))
                                    .containsExactly("moved.example");
                        }),
                new Case(
                        "drop NOT NULL",
                        p -> p.dropNotNull(CUSTOMERS, "name"),
                        List.of(OLD_CUSTOMER, "SELECT name FROM customers WHERE id = 3"),
                        List.of("INSERT INTO customers (email, address) VALUES (gen_random_uuid() || '@x.org', 'a')"),
                        List.of("ALTER COLUMN \"name\" DROP NOT NULL", "VALIDATE CONSTRAINT"),
                        ds -> assertThat(notNull(ds, "customers", "name")).isFalse()),
                new Case(
                        "rename a constraint",
                        p -> p.renameConstraint(ORDERS, "orders_note_short", "orders_note_length"),
                        oldOrders,
                        List.of(OLD_READ),
                        List.of("RENAME CONSTRAINT \"orders_note_short\" TO \"orders_note_length\""),
                        ds -> assertThat(validated(ds, "orders_note_length")).isTrue()),
                new Case(
                        "raw VALIDATE after the backfill",
                        p -> p.rawSql(
                                        Phase.EXPAND,
                                        SqlStatement.trusted("ALTER TABLE orders ADD CONSTRAINT orders_total_cap"
                                                + " CHECK (total < 1000000) NOT VALID"),
                                        SqlStatement.trusted("ALTER TABLE orders DROP CONSTRAINT orders_total_cap"),
                                        "a cap the old version never exceeds")
                                .rawSql(
                                        Phase.BACKFILL,
                                        SqlStatement.trusted("ALTER TABLE orders VALIDATE CONSTRAINT orders_total_cap"),
                                        null,
                                        "validated while the old version runs"),
                        oldOrders,
                        List.of(OLD_READ),
                        List.of("VALIDATE CONSTRAINT orders_total_cap"),
                        ds -> assertThat(validated(ds, "orders_total_cap")).isTrue()));
    }

    TestDatabase db;
    DataSource ds;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("ops");
        ds = db.dataSource();
        Db.customers(ds, 300);
        Db.exec(
                ds,
                "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id integer, total numeric(10, 2),"
                        + " status text, note text, payload text, CONSTRAINT orders_note_short CHECK (length(note) < 100),"
                        + " CONSTRAINT orders_customer_ref FOREIGN KEY (customer_id) REFERENCES customers (id))");
        Db.exec(
                ds,
                "INSERT INTO orders (customer_id, total, status, payload) SELECT (g % 300) + 1, g,"
                        + " CASE WHEN g % 3 = 0 THEN 'open' ELSE 'done' END, '{\"n\": ' || g || '}'"
                        + " FROM generate_series(1, 600) g");
        Db.exec(ds, "CREATE INDEX orders_note_idx ON orders (note)");
        Db.exec(ds, "GRANT SELECT, INSERT ON orders TO PUBLIC"); // a rename's view carries the grants
        Db.exec(ds, "CREATE TABLE parcels (id bigserial PRIMARY KEY, label text)");
        Db.exec(ds, "INSERT INTO parcels (label) SELECT 'p' || g FROM generate_series(1, 600) g");
        Db.exec(
                ds,
                "CREATE TABLE parcel_gifts (parcel_id bigint PRIMARY KEY REFERENCES parcels (id), message text NOT NULL,"
                        + " wrap text DEFAULT 'plain')");
        Db.exec(
                ds,
                "INSERT INTO parcel_gifts SELECT id, 'msg ' || id, CASE WHEN id % 2 = 0 THEN 'gold' END FROM parcels"
                        + " WHERE id <= 300");
        Db.exec(ds, "CREATE SEQUENCE events_seq START 1000");
        Db.exec(ds, "CREATE TABLE events (id bigint, kind text)"); // no primary key yet
        Db.exec(ds, "INSERT INTO events SELECT g, 'seed' FROM generate_series(1, 300) g");
        Db.exec(ds, "ANALYZE orders");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void operation_fullLifecycle_bothVersionsWorkAfterEveryUnit(Case op) throws Exception {
        MigrationPlan plan = op.operations().apply(MigrationPlan.named("op")).build();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean newMayRun = new AtomicBoolean(false);
        AtomicBoolean oldMayRun = new AtomicBoolean(true);
        AtomicInteger probes = new AtomicInteger();
        ExecutionListener prober = new ExecutionListener() {
            @Override
            public void afterUnit(Unit unit, Duration took) {
                String at = unit.phase() + " unit " + String.join(",", unit.stepIds());
                if (oldMayRun.get() && !unit.phase().equals("contract")) {
                    probe("old version", op.oldVersion(), at, failures);
                    probes.incrementAndGet();
                }
                if (newMayRun.get() && !unit.phase().equals("rollback")) {
                    probe("new version", op.newVersion(), at, failures);
                    probes.incrementAndGet();
                }
            }
        };
        PostgresMigrator migrator =
                PostgresMigrator.create(ds, PostgresOptions.defaults().withListener(prober));
        assertThat(migrator.explain(plan).toString()).contains(op.explainShows());
        List<String> before = schema(ds);

        migrator.expand(plan);
        probe("old version", op.oldVersion(), "after expand", failures);
        migrator.rollback(plan);
        probe("old version", op.oldVersion(), "after rollback", failures);
        assertThat(schema(ds)).as("schema after rollback").isEqualTo(before);

        migrator.expand(plan);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                probe("old version (concurrent)", op.oldVersion(), "during backfill", failures);
            }
        });
        writer.start();
        try {
            migrator.backfill(plan);
        } finally {
            writing.set(false);
            writer.join();
        }
        PlanStatus status = migrator.status(plan);
        assertThat(status.newVersionMayRun()).isTrue();
        newMayRun.set(true);
        probe("old version", op.oldVersion(), "after backfill", failures);
        probe("new version", op.newVersion(), "after backfill", failures);
        migrator.verify(plan);
        oldMayRun.set(false); // the old version stops before contract
        migrator.contract(plan);
        probe("new version", op.newVersion(), "after contract", failures);

        assertThat(failures).as("probe failures").isEmpty();
        assertThat(probes.get()).as("probes after units").isPositive();
        op.after().check(ds);
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"))
                .isZero();
    }

    @Test
    void setNotNull_contractDoesNotScanUnderAccessExclusive() throws Exception {
        List<Long> scans = Collections.synchronizedList(new ArrayList<>());
        ExecutionListener scanCounter = new ExecutionListener() {
            @Override
            public void beforeUnit(Unit unit, Connection connection) throws SQLException {
                if (unit.statements().stream().anyMatch(s -> s.contains("SET NOT NULL"))) {
                    flushPendingStats(connection, "orders");
                }
            }

            @Override
            public void beforeCommit(Unit unit, Connection connection) throws SQLException {
                if (unit.statements().stream().anyMatch(s -> s.contains("SET NOT NULL"))) {
                    scans.add(xactSeqScans(connection, "orders"));
                }
            }
        };
        PostgresMigrator migrator =
                PostgresMigrator.create(ds, PostgresOptions.defaults().withListener(scanCounter));
        MigrationPlan plan = MigrationPlan.named("nn")
                .setNotNull(ORDERS, "customer_id", Enforcement.FROM_EXPAND)
                .build();
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(scans).containsExactly(0L);
        assertThat(notNull(ds, "orders", "customer_id")).isTrue();

        // the measurement can see a scan: SET NOT NULL without a validated check reads the whole table
        try (Connection c = ds.getConnection()) {
            flushPendingStats(c, "orders");
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE orders ALTER COLUMN total SET NOT NULL");
            }
            assertThat(xactSeqScans(c, "orders")).isPositive();
            c.rollback();
        }
    }

    @Test
    void renameColumn_refusesWhatTheTriggerCannotWrite_andChangesNothing() throws Exception {
        Db.exec(
                ds,
                "CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text,"
                        + " shout text GENERATED ALWAYS AS (upper(label)) STORED)");
        TableName tags = TableName.of("tags");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        List<String> before = schema(ds);
        assertThatThrownBy(() -> migrator.expand(MigrationPlan.named("rename-refused")
                        .renameColumn(tags, "id", "tag_id")
                        .renameColumn(tags, "shout", "loud")
                        .build()))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("GENERATED ALWAYS")
                .hasMessageContaining("a generated column");
        assertThatThrownBy(() -> migrator.expand(MigrationPlan.named("rename-taken")
                        .renameColumn(tags, "label", "shout")
                        .build()))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("column \"shout\" already exists");
        assertThat(schema(ds)).isEqualTo(before);
    }

    @Test
    void setReplicaIdentity_refusesAnIndexPostgresWouldReject_andRollbackRestoresTheIndex() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        assertThatThrownBy(() -> migrator.expand(MigrationPlan.named("ri-refused")
                        .setReplicaIdentity(ORDERS, ReplicaIdentity.usingIndex("orders_note_idx"))
                        .setReplicaIdentity(CUSTOMERS, ReplicaIdentity.usingIndex("customers_nope"))
                        .build()))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("index \"orders_note_idx\" cannot be the replica identity")
                .hasMessageContaining("index \"customers_nope\" does not exist");
        Db.exec(ds, "ALTER TABLE customers REPLICA IDENTITY USING INDEX customers_email_key");
        MigrationPlan plan = MigrationPlan.named("ri")
                .setReplicaIdentity(CUSTOMERS, ReplicaIdentity.NOTHING)
                .build();
        migrator.expand(plan);
        assertThat(Db.strings(ds, "SELECT relreplident::text FROM pg_class WHERE relname = 'customers'"))
                .containsExactly("n");
        migrator.rollback(plan);
        assertThat(Db.strings(ds, "SELECT indexrelid::regclass::text FROM pg_index WHERE indisreplident"))
                .containsExactly("customers_email_key");
    }

    @Test
    void renameColumn_copyKeepsTheCollation_identityByDefaultAndViewsKeepWorking() throws Exception {
        Db.exec(
                ds,
                "CREATE TABLE tags (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, label text COLLATE \"C\""
                        + " UNIQUE)");
        Db.exec(ds, "INSERT INTO tags (label) SELECT 'tag ' || g FROM generate_series(1, 50) g");
        Db.exec(ds, "CREATE VIEW tag_labels AS SELECT id, label FROM tags");
        TableName tags = TableName.of("tags");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan = MigrationPlan.named("rename-tags")
                .renameColumn(tags, "id", "tag_id")
                .renameColumn(tags, "label", "name")
                .build();
        migrator.runTo(plan, PlanState.VERIFIED);
        assertThat(Db.strings(
                        ds,
                        "SELECT collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation"
                                + " WHERE attrelid = 'tags'::regclass AND attname = 'name'"))
                .containsExactly("C");
        Db.exec(ds, "INSERT INTO tags (label) VALUES ('old')"); // the old version: identity fills id
        Db.exec(ds, "INSERT INTO tags (name) VALUES ('new')"); // the new version: the trigger copies id
        Db.exec(ds, "INSERT INTO tags (tag_id, name) VALUES (1000, 'chosen')");
        assertThat(Db.count(
                        ds,
                        "SELECT count(*) FROM tags WHERE label IN ('old', 'new', 'chosen')"
                                + " AND id IS NOT DISTINCT FROM tag_id AND id IS NOT NULL"))
                .isEqualTo(3);
        assertThatThrownBy(() -> Db.exec(ds, "INSERT INTO tags (name) VALUES ('tag 3')"))
                .as("the unique constraint checks the new version's writes")
                .isInstanceOf(SQLException.class);
        migrator.contract(plan);
        assertThat(Db.strings(ds, "SELECT label FROM tag_labels WHERE id = 1000"))
                .containsExactly("chosen");
        Db.exec(ds, "INSERT INTO tags (name) VALUES ('after')");
        assertThat(Db.count(ds, "SELECT count(*) FROM tags WHERE tag_id IS NULL"))
                .isZero();
        assertThat(Db.strings(
                        ds,
                        "SELECT attidentity::text FROM pg_attribute WHERE attrelid = 'tags'::regclass"
                                + " AND attname = 'tag_id'"))
                .containsExactly("d");
    }

    @Test
    void setNotNull_withNullRows_backfillPhaseFailsAndSaysWhy_thenResumes() throws Exception {
        Db.exec(ds, "UPDATE orders SET status = NULL WHERE id = 5");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan = MigrationPlan.named("nn-nulls")
                .setNotNull(ORDERS, "status", Enforcement.FROM_EXPAND)
                .build();
        migrator.expand(plan);
        assertThatThrownBy(() -> migrator.backfill(plan))
                .isInstanceOf(StepExecutionException.class)
                .hasMessageContaining("status_not_null_tandem");
        Db.exec(ds, "UPDATE orders SET status = 'done' WHERE status IS NULL");
        migrator.backfill(plan);
        assertThat(validated(ds, "status_not_null_tandem")).isTrue();
        migrator.contract(plan);
        assertThat(notNull(ds, "orders", "status")).isTrue();
    }

    @Test
    void addUnique_withDuplicates_expandFailsAndLeavesNoInvalidIndex() throws Exception {
        Db.exec(ds, "UPDATE customers SET name = 'Customer 1' WHERE id = 2");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan = MigrationPlan.named("uq-dups")
                .addUnique(CUSTOMERS, "customers_name_key", Enforcement.FROM_EXPAND, "name")
                .build();
        assertThatThrownBy(() -> migrator.expand(plan)).isInstanceOf(StepExecutionException.class);
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"))
                .isZero();
        Db.exec(ds, "UPDATE customers SET name = 'Customer 2' WHERE id = 2");
        migrator.expand(plan);
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_constraint WHERE conname = 'customers_name_key'"))
                .isEqualTo(1);
    }

    @Test
    void badOperations_areRefusedBeforeAnythingChanges() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan = MigrationPlan.named("bad")
                .addColumn(
                        ORDERS,
                        Column.named("token", ColumnType.UUID).withDefault(SqlExpression.trusted("gen_random_uuid()")))
                .addCheck(ORDERS, "orders_typo", SqlExpression.trusted("totl > 0"), Enforcement.FROM_EXPAND)
                .addForeignKey(
                        ForeignKey.named("orders_fk").from(ORDERS, "status").references(CUSTOMERS, "address"),
                        Enforcement.FROM_EXPAND)
                .addCheck(ORDERS, "orders_note_short", SqlExpression.trusted("true"), Enforcement.FROM_EXPAND)
                .createIndex(Index.on(ORDERS).named("orders_missing_idx").columns("missing"))
                .dropIndex(ORDERS, "orders_nope_idx")
                .build();
        List<String> before = schema(ds);
        assertThatThrownBy(() -> migrator.expand(plan))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("volatile")
                .hasMessageContaining("\"totl\"")
                .hasMessageContaining("no primary key or unique constraint of \"public\".\"customers\"")
                .hasMessageContaining("constraint \"orders_note_short\" already exists")
                .hasMessageContaining("index column \"missing\" does not exist")
                .hasMessageContaining("index \"orders_nope_idx\" does not exist");
        assertThat(schema(ds)).isEqualTo(before);
        assertThat(Db.schemaExists(ds, "tandem")).isFalse();
    }

    @Test
    void renameTable_theOldNameTakesNoCopy_andTheViewHasTheTablesGrants() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan =
                MigrationPlan.named("rename").renameTable(ORDERS, "purchases").build();
        migrator.expand(plan);
        assertThat(Db.strings(ds, "SELECT relacl::text FROM pg_class WHERE relname = 'orders'")
                        .get(0))
                .contains("=ar/");
        try (Connection c = ds.getConnection()) {
            org.postgresql.copy.CopyManager copy =
                    c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            assertThatThrownBy(() -> copy.copyIn(
                            "COPY orders (customer_id, total, status) FROM STDIN",
                            new java.io.StringReader("1\t2\topen\n")))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("view");
        }
        assertThatThrownBy(() -> migrator.expand(MigrationPlan.named("rename-again")
                        .renameTable(CUSTOMERS, "purchases")
                        .build()))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("already exists");
        migrator.rollback(plan);
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_views WHERE viewname = 'orders'"))
                .isZero();
    }

    @Test
    void dropTable_withDependents_isRefusedUpFront() throws Exception {
        Db.exec(ds, "CREATE VIEW open_orders AS SELECT * FROM orders WHERE status = 'open'");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan =
                MigrationPlan.named("drop-orders").dropTable(ORDERS).build();
        assertThatThrownBy(() -> migrator.expand(plan))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("view public.open_orders");
    }

    @Test
    void renamedOrDroppedTable_takesNoOtherOperation() {
        assertThatThrownBy(() -> MigrationPlan.named("p")
                        .renameTable(ORDERS, "purchases")
                        .addColumn(ORDERS, "x", ColumnType.TEXT)
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("renames or drops");
    }

    @Test
    void changeType_whatTheSwapCannotCarry_isRefusedUpFront() throws Exception {
        Db.exec(ds, "CREATE INDEX orders_status_note_idx ON orders (status, note)");
        Db.exec(ds, "CREATE VIEW open_notes AS SELECT id, note FROM orders WHERE status = 'open'");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan = MigrationPlan.named("bad-type")
                .changeType(ORDERS, "note", ColumnType.JSONB, SqlExpression.trusted("to_jsonb(note)"))
                .build();
        assertThatThrownBy(() -> migrator.expand(plan))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("orders_status_note_idx")
                .hasMessageContaining("view public.open_notes")
                .hasMessageContaining("check \"orders_note_short\"");
        assertThat(Db.schemaExists(ds, "tandem")).isFalse();
    }

    @Test
    void changeType_unconvertibleValues_areRecorded_andContractWaits() throws Exception {
        Db.exec(ds, "UPDATE orders SET payload = 'not json' WHERE id = 3");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan = MigrationPlan.named("json")
                .changeType(ORDERS, "payload", ColumnType.JSONB, SqlExpression.trusted("payload::jsonb"))
                .build();
        migrator.runTo(plan, PlanState.BACKFILLED);
        assertThatThrownBy(() -> migrator.contract(plan)).isInstanceOf(dev.tandem.PlanStateException.class);
        assertThat(Db.strings(
                        ds,
                        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                                + " WHERE attrelid = 'orders'::regclass AND attname = 'payload'"))
                .containsExactly("text");
        Db.exec(ds, "UPDATE orders SET payload = '{}' WHERE id = 3");
        migrator.contract(plan);
        assertThat(Db.strings(ds, "SELECT payload::text FROM orders WHERE id = 3"))
                .containsExactly("{}");
    }

    @Test
    void dropNotNull_rollbackWithNullsWritten_isRefusedAndSaysHowToFix() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan = MigrationPlan.named("name-optional")
                .dropNotNull(CUSTOMERS, "name")
                .build();
        migrator.expand(plan);
        Db.exec(ds, "INSERT INTO customers (email, address) VALUES ('nameless@example.com', 'a')");
        assertThatThrownBy(() -> migrator.rollback(plan))
                .isInstanceOf(dev.tandem.PlanStateException.class)
                .hasMessageContaining("1 row")
                .hasMessageContaining("the plan dropped its NOT NULL");
        Db.exec(ds, "UPDATE customers SET name = 'someone' WHERE name IS NULL");
        migrator.rollback(plan);
        assertThat(notNull(ds, "customers", "name")).isTrue();
        assertThat(Db.count(ds, "SELECT count(*) FROM pg_constraint WHERE conname LIKE 'tandem_nn_%'"))
                .isZero();
    }

    @Test
    void checkCallingAFunctionAnAppRoleCouldReplace_isRefused_andNothingRunsIt() throws Exception {
        Db.exec(ds, "CREATE SCHEMA shared");
        Db.exec(ds, "GRANT CREATE ON SCHEMA shared TO PUBLIC");
        Db.exec(ds, "CREATE SEQUENCE shared.calls");
        // if anything evaluated it while checking (EXPLAIN folds immutable calls), the sequence would have moved
        Db.exec(
                ds,
                "CREATE FUNCTION shared.positive(numeric) RETURNS boolean LANGUAGE plpgsql IMMUTABLE"
                        + " AS $$ BEGIN PERFORM nextval('shared.calls'); RETURN $1 >= 0; END $$");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan = MigrationPlan.named("planted")
                .addCheck(
                        ORDERS,
                        "orders_total_ok",
                        SqlExpression.trusted("shared.positive(1::numeric)"),
                        Enforcement.FROM_EXPAND)
                .build();
        assertThatThrownBy(() -> migrator.expand(plan))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("in schema \"shared\", where PUBLIC may create objects");
        assertThat(Db.strings(ds, "SELECT is_called::text FROM shared.calls")).containsExactly("false");
    }

    @Test
    void renameTable_withRowLevelSecurity_isRefusedBeforePostgres15() throws Exception {
        Db.exec(ds, "ALTER TABLE orders ENABLE ROW LEVEL SECURITY");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        MigrationPlan plan = MigrationPlan.named("rls-rename")
                .renameTable(ORDERS, "purchases")
                .build();
        long version = Db.count(ds, "SELECT current_setting('server_version_num')::int");
        if (version < 150000) {
            assertThatThrownBy(() -> migrator.expand(plan))
                    .isInstanceOf(PlanValidationException.class)
                    .hasMessageContaining("row-level security");
        } else {
            migrator.expand(plan);
            assertThat(Db.strings(ds, "SELECT reloptions::text FROM pg_class WHERE relname = 'orders'"))
                    .containsExactly("{security_invoker=true}");
        }
    }

    @Test
    void notNullColumnWithoutDefault_isRefusedByTheBuilder() {
        assertThatThrownBy(() -> MigrationPlan.named("nn")
                        .addColumn(ORDERS, Column.named("x", ColumnType.TEXT).notNull())
                        .build())
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("without a default");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    void probe(String who, List<String> statements, String at, List<String> failures) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET lock_timeout = '5s'");
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            c.commit();
        } catch (SQLException e) {
            failures.add(who + " failed " + at + ": " + e.getMessage());
        }
    }

    static boolean notNull(DataSource ds, String table, String column) throws SQLException {
        return Db.count(
                        ds,
                        "SELECT count(*) FROM pg_attribute WHERE attrelid = ?::regclass AND attname = ? AND attnotnull",
                        table,
                        column)
                == 1;
    }

    static boolean validIndex(DataSource ds, String name) throws SQLException {
        return Db.count(
                        ds,
                        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                                + " WHERE c.relname = ? AND i.indisvalid",
                        name)
                == 1;
    }

    static boolean validated(DataSource ds, String constraint) throws SQLException {
        return Db.count(ds, "SELECT count(*) FROM pg_constraint WHERE conname = ? AND convalidated", constraint) == 1;
    }

    /**
     * The transaction's statistics view also shows counts of earlier transactions that the backend has not reported
     * yet; it reports them at the end of a transaction once its interval (at most a second) passed.
     */
    /**
     * {@code pg_stat_xact_*} also counts what earlier transactions of the session did and has not flushed yet: from
     * PostgreSQL 15 on it flushes at most once a second, before at most every 500 ms, when the session goes idle. Force
     * the flush where PostgreSQL can, and wait until the table's counts of earlier transactions are gone.
     */
    static void flushPendingStats(Connection c, String table) throws SQLException {
        if (c.getMetaData().getDatabaseMajorVersion() >= 15) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_stat_force_next_flush()");
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (xactSeqScans(c, table) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the statistics of earlier transactions were not flushed within 10 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static long xactSeqScans(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT COALESCE(seq_scan, 0) FROM pg_stat_xact_user_tables WHERE relname = '" + table + "'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Columns, defaults, constraints, indexes, triggers, views and functions of the public schema, as text. */
    static List<String> schema(DataSource ds) throws SQLException {
        List<String> out = new ArrayList<>();
        out.addAll(Db.strings(
                ds,
                "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '"
                        + " || a.attnotnull || ' ' || COALESCE(pg_get_expr(d.adbin, d.adrelid), '-')"
                        + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                        + " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND a.attnum > 0"
                        + " AND NOT a.attisdropped ORDER BY 1"));
        out.addAll(Db.strings(
                ds,
                "SELECT c.relname || ' replica identity ' || c.relreplident::text || COALESCE(' ' || (SELECT"
                        + " i.indexrelid::regclass::text FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident),"
                        + " '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1"));
        out.addAll(Db.strings(
                ds,
                "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated"
                        + " FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1"));
        out.addAll(Db.strings(
                ds, "SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"));
        out.addAll(Db.strings(
                ds, "SELECT tgrelid::regclass || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"));
        out.addAll(Db.strings(
                ds, "SELECT viewname || ' ' || definition FROM pg_views WHERE schemaname = 'public' ORDER BY 1"));
        out.addAll(Db.strings(
                ds,
                "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace"
                        + " ORDER BY 1"));
        out.addAll(Db.strings(
                ds,
                "SELECT c.relname || ' ' || COALESCE(c.relacl::text, '-') FROM pg_class c"
                        + " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v') ORDER BY 1"));
        return out;
    }
}
