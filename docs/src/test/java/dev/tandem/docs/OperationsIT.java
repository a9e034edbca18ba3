package dev.tandem.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.Column;
import dev.tandem.DeriveColumns;
import dev.tandem.ForeignKey;
import dev.tandem.Index;
import dev.tandem.MigrationPlan;
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
import dev.tandem.postgres.JooqExpressions;
import dev.tandem.postgres.PlanState;
import dev.tandem.postgres.PostgresMigrator;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The samples of operations.md: each operation, run for real, and its explain output. */
class OperationsIT {

    static final String PAGE = "operations.md";

    TestDatabase db;
    DataSource dataSource;
    PostgresMigrator migrator;

    @BeforeEach
    void setUp() throws Exception {
        db = DocsDatabase.create("operations");
        dataSource = db.dataSource();
        DocsDatabase.run(dataSource, "customers.sql", "schema");
        migrator = PostgresMigrator.create(dataSource);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void addColumn_expandAddsIt_rollbackDropsIt() throws Exception {
        // tag::add-column[]
        MigrationPlan plan = MigrationPlan.named("customers-phone")
                .addColumn(TableName.of("customers"), "phone", ColumnType.varchar(32))
                .build();
        // end::add-column[]
        DocOutputs.check(PAGE, "add-column-explain", migrator.explain(plan).toString());

        migrator.expand(plan);
        assertThat(columns()).contains("phone");
        migrator.rollback(plan);
        assertThat(columns()).doesNotContain("phone");
    }

    @Test
    void deriveColumns_fullLifecycle_explained() {
        MigrationPlan plan = GettingStartedIT.addressSplit();
        DocOutputs.check(PAGE, "derive-columns-explain", migrator.explain(plan).toString());
        assertThat(migrator.runTo(plan, PlanState.CONTRACTED).state()).isEqualTo(PlanState.CONTRACTED);
    }

    @Test
    void mappableWhen_nullAcceptedAndRejectPolicy_failsOnlyUnmappableWrites() throws Exception {
        // tag::mappable-when[]
        DeriveColumns zip = DeriveColumns.on(TableName.of("customers"))
                .named("customers.zip")
                .from("address")
                .into("zip", ColumnType.of("char(5)"), SqlExpression.trusted("right(address, 5)"))
                .oneWay("version 2 reads zip, never writes it")
                .mappableWhen(SqlExpression.trusted("address ~ '[0-9]{5}$'"))
                .onUnmapped(UnmappedPolicy.REJECT);
        // end::mappable-when[]
        MigrationPlan plan =
                MigrationPlan.named("customers-zip").deriveColumns(zip).build();
        execute("UPDATE customers SET address = 'somewhere' WHERE id = 2"); // an old row without a zip
        migrator.expand(plan);

        execute("INSERT INTO customers (name, email, address) VALUES ('N', 'n@example.com', NULL)");
        assertThat(query("SELECT count(*) FROM customers WHERE email = 'n@example.com' AND zip IS NULL"))
                .isEqualTo("1");
        assertThatThrownBy(() ->
                        execute("INSERT INTO customers (name, email, address) VALUES ('X', 'x@example.com', 'no zip')"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("[TANDEM-0500]");
        // an old row cannot be rejected: under REJECT too, the backfill records it
        migrator.backfill(plan);
        assertThat(migrator.verify(plan).unmappedSample())
                .extracting(u -> u.key().get(0))
                .containsExactly("2");
        migrator.rollback(plan);
    }

    @Test
    void oneWay_noBackwardMapping_buildsAndRuns() throws Exception {
        // tag::one-way[]
        MigrationPlan plan = MigrationPlan.named("customers-email-lower")
                .deriveColumns(DeriveColumns.on(TableName.of("customers"))
                        .named("customers.email-lower")
                        .from("email")
                        .into("email_lower", ColumnType.varchar(255), SqlExpression.trusted("lower(email)"))
                        .oneWay("email_lower is derived data: no application version writes it"))
                .build();
        // end::one-way[]
        DocOutputs.check(
                PAGE,
                "one-way-steps",
                String.join("\n", plan.steps().stream().map(s -> s.id().value()).toList()));
        assertThat(migrator.explain(plan).toString()).doesNotContain("derived data"); // the reason is not kept
        migrator.runTo(plan, PlanState.VERIFIED);
        assertThat(query("SELECT email_lower FROM customers WHERE id = 1")).isEqualTo("john@example.com");
    }

    @Test
    void addColumnWithDefault_notNull_catalogOnly() throws Exception {
        // tag::add-column-default[]
        MigrationPlan plan = MigrationPlan.named("customers-status")
                .addColumn(
                        TableName.of("customers"),
                        Column.named("status", ColumnType.TEXT)
                                .withDefault(SqlExpression.trusted("'active'"))
                                .notNull())
                .build();
        // end::add-column-default[]
        DocOutputs.check(
                PAGE, "add-column-default-explain", migrator.explain(plan).toString());
        migrator.expand(plan);
        execute("INSERT INTO customers (name, email) VALUES ('Old Version', 'old@example.com')");
        assertThat(query("SELECT status FROM customers WHERE email = 'old@example.com'"))
                .isEqualTo("active");
        migrator.runTo(plan, PlanState.CONTRACTED);
    }

    @Test
    void createIndex_concurrently() throws Exception {
        // tag::create-index[]
        MigrationPlan plan = MigrationPlan.named("customers-email-lower-index")
                .createIndex(Index.on(TableName.of("customers"))
                        .named("customers_email_lower_idx")
                        .expression(SqlExpression.trusted("lower(email)"))
                        .include("name"))
                .build();
        // end::create-index[]
        DocOutputs.check(PAGE, "create-index-explain", migrator.explain(plan).toString());
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'customers_email_lower_idx'::regclass"))
                .isEqualTo("t");
    }

    @Test
    void addUnique_concurrentIndexThenConstraint() throws Exception {
        // tag::add-unique[]
        MigrationPlan plan = MigrationPlan.named("customers-name-unique")
                .addUnique(TableName.of("customers"), "customers_name_key", Enforcement.FROM_EXPAND, "name")
                .build();
        // end::add-unique[]
        DocOutputs.check(PAGE, "add-unique-explain", migrator.explain(plan).toString());
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT contype FROM pg_constraint WHERE conname = 'customers_name_key'"))
                .isEqualTo("u");
    }

    @Test
    void addCheck_notValidThenValidated() throws Exception {
        // tag::add-check[]
        MigrationPlan plan = MigrationPlan.named("customers-email-check")
                .addCheck(
                        TableName.of("customers"),
                        "customers_email_has_at",
                        SqlExpression.trusted("position('@' in email) > 1"),
                        Enforcement.FROM_EXPAND)
                .build();
        // end::add-check[]
        DocOutputs.check(PAGE, "add-check-explain", migrator.explain(plan).toString());
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT convalidated FROM pg_constraint WHERE conname = 'customers_email_has_at'"))
                .isEqualTo("t");
    }

    @Test
    void addForeignKey_notValidThenValidated() throws Exception {
        execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id integer, total numeric(10, 2))");
        execute("INSERT INTO orders (customer_id, total) VALUES (1, 10), (2, 20)");
        // tag::add-foreign-key[]
        MigrationPlan plan = MigrationPlan.named("orders-customer-fk")
                .addForeignKey(
                        ForeignKey.named("orders_customer_fk")
                                .from(TableName.of("orders"), "customer_id")
                                .references(TableName.of("customers"), "id")
                                .onDelete(ReferentialAction.RESTRICT),
                        Enforcement.FROM_EXPAND)
                .build();
        // end::add-foreign-key[]
        DocOutputs.check(PAGE, "add-foreign-key-explain", migrator.explain(plan).toString());
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT convalidated FROM pg_constraint WHERE conname = 'orders_customer_fk'"))
                .isEqualTo("t");
    }

    @Test
    void setNotNull_withoutScanUnderAccessExclusive() throws Exception {
        // tag::set-not-null[]
        MigrationPlan plan = MigrationPlan.named("customers-address-required")
                .setNotNull(TableName.of("customers"), "address", Enforcement.FROM_EXPAND)
                .build();
        // end::set-not-null[]
        DocOutputs.check(PAGE, "set-not-null-explain", migrator.explain(plan).toString());
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'customers'::regclass"
                        + " AND attname = 'address'"))
                .isEqualTo("t");
    }

    @Test
    void rawSql_severalStatements_oneUnit() throws Exception {
        // tag::raw-sql-unit[]
        MigrationPlan plan = MigrationPlan.named("customers-to-clients")
                .rawSql(
                        Phase.EXPAND,
                        List.of(
                                SqlStatement.trusted("ALTER TABLE customers RENAME TO clients"),
                                SqlStatement.trusted("CREATE VIEW public.customers AS SELECT * FROM clients")),
                        List.of(
                                SqlStatement.trusted("DROP VIEW customers"),
                                SqlStatement.trusted("ALTER TABLE clients RENAME TO customers")),
                        "version 1 keeps writing through the view; nothing runs between the two statements")
                .rawSql(Phase.CONTRACT, SqlStatement.trusted("DROP VIEW customers"), null, "version 1 is gone")
                .build();
        // end::raw-sql-unit[]
        DocOutputs.check(PAGE, "raw-sql-unit-explain", migrator.explain(plan).toString());
        migrator.expand(plan);
        execute("INSERT INTO customers (name, email, address) VALUES ('Via View', 'view@example.com', 'x')");
        assertThat(query("SELECT count(*) FROM clients WHERE email = 'view@example.com'"))
                .isEqualTo("1");
        migrator.rollback(plan);
        assertThat(query("SELECT count(*) FROM customers WHERE email = 'view@example.com'"))
                .isEqualTo("1");
    }

    @Test
    void renameTable_oldNameWorksThroughAView() throws Exception {
        // tag::rename-table[]
        MigrationPlan plan = MigrationPlan.named("customers-to-clients")
                .renameTable(TableName.of("customers"), "clients")
                .build();
        // end::rename-table[]
        DocOutputs.check(PAGE, "rename-table-explain", migrator.explain(plan).toString());
        migrator.expand(plan);
        execute("INSERT INTO customers (name, email, address) VALUES ('Version 1', 'v1@example.com', 'x')");
        assertThat(query("SELECT count(*) FROM clients WHERE email = 'v1@example.com'"))
                .isEqualTo("1");
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT count(*) FROM pg_class WHERE relname = 'customers'"))
                .isEqualTo("0");
    }

    @Test
    void createTable_withKeys() throws Exception {
        // tag::create-table[]
        TableName addresses = TableName.of("addresses");
        MigrationPlan plan = MigrationPlan.named("addresses-table")
                .createTable(Table.named(addresses)
                        .column(Column.named("id", ColumnType.BIGINT).notNull())
                        .column(Column.named("customer_id", ColumnType.INTEGER).notNull())
                        .column(Column.named("city", ColumnType.varchar(100)))
                        .primaryKey("id")
                        .check("addresses_city_not_blank", SqlExpression.trusted("city <> ''"))
                        .foreignKey(ForeignKey.named("addresses_customer_fk")
                                .from(addresses, "customer_id")
                                .references(TableName.of("customers"), "id")))
                .build();
        // end::create-table[]
        DocOutputs.check(PAGE, "create-table-explain", migrator.explain(plan).toString());
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT convalidated FROM pg_constraint WHERE conname = 'addresses_customer_fk'"))
                .isEqualTo("t");
    }

    @Test
    void dropTable_atContract() throws Exception {
        execute("CREATE TABLE legacy_events (id bigint PRIMARY KEY, payload text)");
        // tag::drop-table[]
        MigrationPlan plan = MigrationPlan.named("drop-legacy-events")
                .dropTable(TableName.of("legacy_events"))
                .build();
        // end::drop-table[]
        migrator.runTo(plan, PlanState.VERIFIED);
        assertThat(query("SELECT count(*) FROM pg_class WHERE relname = 'legacy_events'"))
                .isEqualTo("1");
        migrator.contract(plan);
        assertThat(query("SELECT count(*) FROM pg_class WHERE relname = 'legacy_events'"))
                .isEqualTo("0");
    }

    @Test
    void changeType_keepsTheName_swapsAtContract() throws Exception {
        execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id integer REFERENCES customers (id))");
        execute("INSERT INTO orders (customer_id) VALUES (1), (2)");
        // tag::change-type[]
        MigrationPlan plan = MigrationPlan.named("customers-id-bigint")
                .changeType(TableName.of("customers"), "id", ColumnType.BIGINT)
                .build();
        // end::change-type[]
        String explained = migrator.explain(plan).toString();
        DocOutputs.check(PAGE, "change-type-contract", explained.substring(explained.indexOf("== CONTRACT ==")));
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                        + " WHERE attrelid = 'customers'::regclass AND attname = 'id'"))
                .isEqualTo("bigint");
        execute("INSERT INTO customers (name, email) VALUES ('After', 'after@example.com')");
    }

    @Test
    void setAndDropDefault_rollbackRestoresThePreviousDefault() throws Exception {
        // tag::defaults[]
        TableName customers = TableName.of("customers");
        MigrationPlan plan = MigrationPlan.named("customers-defaults")
                .setDefault(customers, "address", SqlExpression.trusted("'unknown'"))
                .dropDefault(customers, "updated_at")
                .build();
        // end::defaults[]
        DocOutputs.check(PAGE, "defaults-explain", migrator.explain(plan).toString());
        migrator.expand(plan);
        execute("INSERT INTO customers (name, email) VALUES ('Written By V1', 'v1@example.com')");
        assertThat(query("SELECT address FROM customers WHERE email = 'v1@example.com'"))
                .isEqualTo("unknown");
        migrator.rollback(plan);
        assertThat(query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers'"
                        + " AND column_name = 'address' AND column_default IS NULL"))
                .isEqualTo("1");
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers'"
                        + " AND column_name = 'updated_at' AND column_default IS NULL"))
                .isEqualTo("1");
    }

    @Test
    void setReplicaIdentity_rollbackRestoresThePreviousOne() throws Exception {
        // tag::replica-identity[]
        MigrationPlan plan = MigrationPlan.named("customers-replica-identity")
                .setReplicaIdentity(TableName.of("customers"), ReplicaIdentity.usingIndex("customers_email_key"))
                .build();
        // end::replica-identity[]
        DocOutputs.check(
                PAGE, "replica-identity-explain", migrator.explain(plan).toString());
        migrator.expand(plan);
        assertThat(query("SELECT relreplident FROM pg_class WHERE relname = 'customers'"))
                .isEqualTo("i");
        migrator.rollback(plan);
        assertThat(query("SELECT relreplident FROM pg_class WHERE relname = 'customers'"))
                .isEqualTo("d");
    }

    @Test
    void dropsAndRenames_explained() throws Exception {
        execute("CREATE INDEX customers_created_idx ON customers (created_at)");
        execute("ALTER TABLE customers ADD CONSTRAINT customers_name_short CHECK (length(name) < 200)");
        // tag::drops-and-renames[]
        TableName customers = TableName.of("customers");
        MigrationPlan plan = MigrationPlan.named("customers-cleanup")
                .dropIndex(customers, "customers_created_idx")
                .dropConstraint(customers, "customers_name_short")
                .dropNotNull(customers, "name")
                .renameConstraint(customers, "customers_email_key", "customers_email_unique")
                .build();
        // end::drops-and-renames[]
        DocOutputs.check(
                PAGE, "drops-and-renames-explain", migrator.explain(plan).toString());
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT count(*) FROM pg_constraint WHERE conname = 'customers_email_unique'"))
                .isEqualTo("1");
    }

    @Test
    void renameColumn_keepsTheKeySequenceAndForeignKeys() throws Exception {
        execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id integer REFERENCES customers (id))");
        execute("INSERT INTO orders (customer_id) VALUES (1), (2)");
        // tag::rename-column[]
        MigrationPlan plan = MigrationPlan.named("customers-id-to-customer-no")
                .renameColumn(TableName.of("customers"), "id", "customer_no")
                .build();
        // end::rename-column[]
        String explained = migrator.explain(plan).toString();
        DocOutputs.check(PAGE, "rename-column-contract", explained.substring(explained.indexOf("== CONTRACT ==")));
        migrator.runTo(plan, PlanState.VERIFIED);
        execute("INSERT INTO customers (name, email) VALUES ('Written By V1', 'v1@example.com')");
        execute("INSERT INTO customers (name, email) VALUES ('Written By V2', 'v2@example.com')");
        assertThat(query("SELECT count(*) FROM customers WHERE id IS DISTINCT FROM customer_no"))
                .isEqualTo("0");
        migrator.contract(plan);
        assertThat(columns()).contains("customer_no").doesNotContain("id");
        assertThat(
                        query(
                                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'orders_customer_id_fkey'"))
                .isEqualTo("FOREIGN KEY (customer_id) REFERENCES customers(customer_no)");
        assertThat(query("SELECT pg_get_serial_sequence('customers', 'customer_no')"))
                .isEqualTo("public.customers_id_seq");
    }

    @Test
    void moveColumns_extractsTheAddressIntoItsOwnTable() throws Exception {
        // tag::move-columns[]
        MigrationPlan plan = MigrationPlan.named("customers-addresses")
                .moveColumns(
                        TableName.of("customers"),
                        List.of("address"),
                        TableName.of("customer_addresses"),
                        "customer_id")
                .build();
        // end::move-columns[]
        DocOutputs.check(PAGE, "move-columns-explain", migrator.explain(plan).toString());
        migrator.runTo(plan, PlanState.VERIFIED);
        // the old version writes customers.address; the new version writes customer_addresses
        execute("INSERT INTO customers (name, email, address) VALUES ('V1', 'v1@example.com', '1 Old St')");
        execute("INSERT INTO customers (name, email) VALUES ('V2', 'v2@example.com')");
        execute("INSERT INTO customer_addresses (customer_id, address)"
                + " SELECT id, '2 New St' FROM customers WHERE email = 'v2@example.com'");
        assertThat(query("SELECT a.address FROM customer_addresses a JOIN customers c ON c.id = a.customer_id"
                        + " WHERE c.email = 'v1@example.com'"))
                .isEqualTo("1 Old St");
        assertThat(query("SELECT address FROM customers WHERE email = 'v2@example.com'"))
                .isEqualTo("2 New St");
        migrator.contract(plan);
        assertThat(columns()).doesNotContain("address");
    }

    @Test
    void mergeColumns_bringsTheSettingsBackIntoCustomers() throws Exception {
        execute("CREATE TABLE customer_settings (customer_id integer PRIMARY KEY REFERENCES customers (id),"
                + " newsletter boolean DEFAULT false)");
        execute("INSERT INTO customer_settings SELECT id, id % 2 = 0 FROM customers");
        // tag::merge-columns[]
        MigrationPlan plan = MigrationPlan.named("customers-settings")
                .mergeColumns(TableName.of("customer_settings"), List.of("newsletter"), TableName.of("customers"))
                .build();
        // end::merge-columns[]
        DocOutputs.check(PAGE, "merge-columns-explain", migrator.explain(plan).toString());
        migrator.runTo(plan, PlanState.VERIFIED);
        // the new version writes customers.newsletter; the old version reads customer_settings
        execute("UPDATE customers SET newsletter = true WHERE id = 1");
        assertThat(query("SELECT newsletter::text FROM customer_settings WHERE customer_id = 1"))
                .isEqualTo("true");
        migrator.contract(plan);
        assertThat(query("SELECT count(*) FROM customers WHERE newsletter IS NOT NULL"))
                .isNotEqualTo("0");
    }

    @Test
    void renameColumnByCopy_bothNamesWork_untilContract() throws Exception {
        // tag::rename-by-copy[]
        MigrationPlan plan = MigrationPlan.named("customers-full-name")
                .renameColumnByCopy(TableName.of("customers"), "name", "full_name", ColumnType.varchar(255))
                .build();
        // end::rename-by-copy[]
        DocOutputs.check(PAGE, "rename-by-copy-explain", migrator.explain(plan).toString());

        migrator.expand(plan);
        execute("INSERT INTO customers (email, full_name) VALUES ('new@example.com', 'Written By V2')");
        execute("INSERT INTO customers (email, name) VALUES ('old@example.com', 'Written By V1')");
        assertThat(query("SELECT name FROM customers WHERE email = 'new@example.com'"))
                .isEqualTo("Written By V2");
        assertThat(query("SELECT full_name FROM customers WHERE email = 'old@example.com'"))
                .isEqualTo("Written By V1");
        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(columns()).contains("full_name").doesNotContain("name");
    }

    @Test
    void dropColumn_alone_dropsOnlyInContract() throws Exception {
        execute("ALTER TABLE customers ADD COLUMN legacy_notes text");
        // tag::drop-column[]
        MigrationPlan plan = MigrationPlan.named("customers-drop-legacy-notes")
                .dropColumn(TableName.of("customers"), "legacy_notes")
                .build();
        // end::drop-column[]
        migrator.runTo(plan, PlanState.VERIFIED);
        assertThat(columns()).contains("legacy_notes");
        migrator.contract(plan);
        assertThat(columns()).doesNotContain("legacy_notes");
    }

    @Test
    void rawSql_indexConcurrently_runsOutsideATransactionAndUndoes() throws Exception {
        // tag::raw-sql-index[]
        MigrationPlan plan = MigrationPlan.named("customers-name-index")
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name)"),
                        SqlStatement.trusted("DROP INDEX CONCURRENTLY IF EXISTS customers_name_idx"),
                        "version 2 searches customers by name")
                .build();
        // end::raw-sql-index[]
        DocOutputs.check(PAGE, "raw-sql-index-explain", migrator.explain(plan).toString());

        migrator.expand(plan);
        assertThat(query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'customers_name_idx'::regclass"))
                .isEqualTo("t");
        migrator.rollback(plan);
        assertThat(query("SELECT count(*) FROM pg_class WHERE relname = 'customers_name_idx'"))
                .isEqualTo("0");
    }

    @Test
    void rawSql_notNullTheSafeWay_inContract() throws Exception {
        TableName customers = TableName.of("customers");
        // tag::raw-sql-not-null[]
        MigrationPlan plan = MigrationPlan.named("customers-city-not-null")
                .deriveColumns(DeriveColumns.on(customers)
                        .from("address")
                        .into("city", ColumnType.varchar(100), GettingStartedIT.part(2))
                        .oneWay("the new version reads city and writes address"))
                .rawSql(
                        Phase.CONTRACT,
                        SqlStatement.trusted(
                                "ALTER TABLE customers ADD CONSTRAINT customers_city_nn CHECK (city IS NOT NULL) NOT VALID"),
                        null,
                        "brief ACCESS EXCLUSIVE; no scan")
                .rawSql(
                        Phase.CONTRACT,
                        SqlStatement.trusted("ALTER TABLE customers VALIDATE CONSTRAINT customers_city_nn"),
                        null,
                        "scans under SHARE UPDATE EXCLUSIVE: reads and writes go on")
                .rawSql(
                        Phase.CONTRACT,
                        SqlStatement.trusted("ALTER TABLE customers ALTER COLUMN city SET NOT NULL"),
                        null,
                        "no scan: PostgreSQL 12+ uses the validated CHECK")
                .rawSql(
                        Phase.CONTRACT,
                        SqlStatement.trusted("ALTER TABLE customers DROP CONSTRAINT customers_city_nn"),
                        null,
                        "brief ACCESS EXCLUSIVE")
                .build();
        // end::raw-sql-not-null[]
        String explained = migrator.explain(plan).toString();
        DocOutputs.check(PAGE, "raw-sql-not-null-explain", explained.substring(explained.indexOf("== CONTRACT ==")));

        migrator.runTo(plan, PlanState.CONTRACTED);
        assertThat(query("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'customers'::regclass"
                        + " AND attname = 'city'"))
                .isEqualTo("t");
    }

    @Test
    void rawSql_unsafeStatements_labelledByTheLinter() {
        RawPlan b = new RawPlan();
        b.raw("CREATE INDEX customers_city_idx ON customers (city)");
        b.raw("ALTER TABLE customers ALTER COLUMN zip_code TYPE integer USING zip_code::integer");
        b.raw("ALTER TABLE customers ALTER COLUMN city SET NOT NULL");
        b.raw("ALTER TABLE customers ADD COLUMN token uuid DEFAULT gen_random_uuid()");
        b.raw("ALTER TABLE customers ADD COLUMN tier text NOT NULL");
        b.raw("ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers");
        b.raw("ALTER TABLE customers ADD CONSTRAINT customers_state_len CHECK (char_length(state) = 2)");
        b.raw("ALTER TABLE customers ADD CONSTRAINT customers_email_uq UNIQUE (email)");
        b.raw("ALTER TABLE customers RENAME COLUMN name TO full_name");
        b.raw("DROP INDEX customers_city_idx");
        b.raw("UPDATE customers SET state = upper(state)");
        b.raw("VACUUM FULL customers");
        b.raw("ALTER TABLE customers ADD COLUMN search tsvector"
                + " GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED");
        b.raw("ALTER TYPE customer_tier ADD VALUE 'gold'");
        b.raw("ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers"
                + " NOT VALID");
        b.raw("ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk");
        b.raw("CREATE UNIQUE INDEX CONCURRENTLY customers_email_uq ON customers (email)");
        b.raw("ALTER TABLE customers ADD CONSTRAINT customers_email_uq UNIQUE USING INDEX customers_email_uq");

        String explained = migrator.explain(b.plan()).toString();
        int rollback = explained.indexOf("== ROLLBACK ==");
        DocOutputs.check(PAGE, "lint", rollback < 0 ? explained : explained.substring(0, rollback));
    }

    /** Collects raw statements into one plan (not a sample; the output above is). */
    static final class RawPlan {
        private dev.tandem.PlanBuilder builder = MigrationPlan.named("lint-examples");

        void raw(String sql) {
            builder = builder.rawSql(Phase.EXPAND, SqlStatement.trusted(sql), null, "example");
        }

        MigrationPlan plan() {
            return builder.build();
        }
    }

    @Test
    void jooqExpressions_renderedForPostgres() throws Exception {
        // tag::jooq[]
        Field<String> address = DSL.field(DSL.name("address"), String.class);
        DeriveColumns city = DeriveColumns.on(TableName.of("customers"))
                .from("address")
                .into("city", ColumnType.varchar(100), JooqExpressions.of(DSL.trim(DSL.splitPart(address, ",", 2))))
                .oneWay("the new version reads city and writes address")
                .mappableWhen(JooqExpressions.of(address.likeRegex("^[^,]+,[^,]+,[^,]+,[^,]+$")));
        // end::jooq[]
        DocOutputs.check(
                PAGE,
                "jooq-expressions",
                city.targets().get(0).forward().sql() + "\n"
                        + city.mappableCondition().orElseThrow().sql());
        MigrationPlan plan =
                MigrationPlan.named("customers-city").deriveColumns(city).build();
        migrator.runTo(plan, PlanState.VERIFIED);
        assertThat(query("SELECT city FROM customers WHERE id = 1")).isEqualTo("New York");
    }

    void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    String query(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    List<String> columns() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT column_name FROM information_schema.columns"
                        + " WHERE table_schema = 'public' AND table_name = 'customers' ORDER BY ordinal_position")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
