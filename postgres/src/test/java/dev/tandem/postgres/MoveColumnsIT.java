package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.MigrationPlan;
import dev.tandem.PlanValidationException;
import dev.tandem.plan.TableName;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code moveColumns} beyond the shared lifecycle test: what the new table carries, writes by untrusted application
 * roles through both tables, deletes and key changes on either side, and the refusals.
 */
class MoveColumnsIT {

    static final TableName ACCOUNTS = TableName.of("accounts");
    static final TableName BILLING = TableName.of("billing");

    TestDatabase db;
    DataSource admin;
    Roles roles;
    String app;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("move");
        admin = db.dataSource();
        roles = new Roles(db);
        Db.exec(admin, "CREATE TABLE countries (code text PRIMARY KEY)");
        Db.exec(admin, "INSERT INTO countries VALUES ('DE'), ('FR'), ('US')");
        Db.exec(
                admin,
                "CREATE TABLE accounts (id bigserial PRIMARY KEY, name text NOT NULL, iban text UNIQUE,"
                        + " country text REFERENCES countries (code), vat numeric(5, 2) DEFAULT 19.00"
                        + " CHECK (vat >= 0), note text)");
        Db.exec(admin, "CREATE INDEX accounts_country_idx ON accounts (country)");
        Db.exec(
                admin,
                "INSERT INTO accounts (name, iban, country, vat) SELECT 'a' || g,"
                        + " CASE WHEN g % 5 = 0 THEN NULL ELSE 'IBAN' || g END,"
                        + " CASE WHEN g % 5 = 0 THEN NULL ELSE 'DE' END, CASE WHEN g % 5 = 0 THEN NULL ELSE 7 END"
                        + " FROM generate_series(1, 500) g");
        app = roles.create("app", "NOSUPERUSER");
        Db.exec(admin, "GRANT USAGE ON SCHEMA public TO " + app);
        Db.exec(admin, "GRANT SELECT, INSERT, UPDATE, DELETE ON accounts TO " + app);
        Db.exec(admin, "GRANT USAGE ON SEQUENCE accounts_id_seq TO " + app);
        Db.exec(admin, "GRANT SELECT ON countries TO " + app);
    }

    @AfterEach
    void tearDown() throws Exception {
        roles.close();
        db.close();
    }

    static MigrationPlan plan() {
        return MigrationPlan.named("billing-extract")
                .moveColumns(ACCOUNTS, List.of("iban", "country", "vat"), BILLING, "account_id")
                .build();
    }

    @Test
    void newTable_carriesTypesDefaultsConstraintsIndexesOwnerAndGrants() throws Exception {
        PostgresMigrator.create(admin).expand(plan());
        assertThat(Db.strings(
                        admin,
                        "SELECT attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull || ' '"
                                + " || COALESCE(pg_get_expr(d.adbin, d.adrelid), '-') FROM pg_attribute a"
                                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                                + " WHERE attrelid = 'billing'::regclass AND attnum > 0 ORDER BY attnum"))
                .containsExactly(
                        "account_id bigint true -",
                        "iban text false -",
                        "country text false -",
                        "vat numeric(5,2) false 19.00");
        assertThat(Db.strings(
                        admin,
                        "SELECT contype::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
                                + " WHERE conrelid = 'billing'::regclass AND contype <> 'n' ORDER BY 1"))
                .containsExactly(
                        "c CHECK ((vat >= (0)::numeric))",
                        "f FOREIGN KEY (account_id) REFERENCES accounts(id) ON UPDATE CASCADE ON DELETE CASCADE",
                        "f FOREIGN KEY (country) REFERENCES countries(code)",
                        "p PRIMARY KEY (account_id)",
                        "u UNIQUE (iban)");
        assertThat(Db.count(
                        admin,
                        "SELECT count(*) FROM pg_index WHERE indrelid = 'billing'::regclass AND NOT indisunique"
                                + " AND indkey::text = (SELECT attnum::text FROM pg_attribute"
                                + " WHERE attrelid = 'billing'::regclass AND attname = 'country')"))
                .isEqualTo(1);
        assertThat(Db.strings(
                        admin,
                        "SELECT privilege_type FROM information_schema.role_table_grants WHERE table_name = 'billing'"
                                + " AND grantee = ? ORDER BY 1",
                        app))
                .containsExactly("DELETE", "INSERT", "SELECT", "UPDATE");
        assertThat(Db.strings(
                        admin,
                        "SELECT (SELECT relowner FROM pg_class WHERE oid = 'billing'::regclass)"
                                + " = (SELECT relowner FROM pg_class WHERE oid = 'accounts'::regclass)"))
                .containsExactly("t");
    }

    @Test
    void applicationRoles_writeEitherTable_bothSidesFollow_andTheSyncSwitchIsIgnored() throws Exception {
        PostgresMigrator migrator = PostgresMigrator.create(admin);
        MigrationPlan plan = plan();
        migrator.expand(plan);
        DataSource asApp = roles.connect(app);
        try (Connection c = asApp.getConnection();
                Statement s = c.createStatement()) {
            // an application role cannot switch the sync off
            s.execute("SET tandem.sync = 'off'");
            // old version: writes the columns in accounts
            s.execute("INSERT INTO accounts (name, iban, country) VALUES ('old', 'IBAN-OLD', 'FR')");
            s.execute("UPDATE accounts SET vat = 5 WHERE id = 3");
            s.execute("UPDATE accounts SET iban = 'IBAN-10' WHERE id = 10"); // a row without a billing row yet
            s.execute("DELETE FROM accounts WHERE id = 4");
        }
        migrator.backfill(plan);
        try (Connection c = asApp.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET tandem.sync = 'off'");
            // new version, once the backfill ran: writes billing
            s.execute("INSERT INTO accounts (name) VALUES ('new')");
            s.execute("INSERT INTO billing (account_id, iban, country) VALUES (currval('accounts_id_seq'), 'IBAN-NEW',"
                    + " 'US')");
            s.execute("UPDATE billing SET country = 'FR' WHERE account_id = 6");
            s.execute("DELETE FROM billing WHERE account_id = 7");
            s.execute("UPDATE accounts SET id = 1006 WHERE id = 8"); // a key change moves its billing row along
        }
        assertThat(migrator.verify(plan).inconsistentRows()).isZero();
        assertThat(Db.strings(
                        admin,
                        "SELECT b.iban || ' ' || b.country FROM billing b JOIN accounts a ON a.id ="
                                + " b.account_id WHERE a.name IN ('old', 'new') ORDER BY a.name"))
                .containsExactly("IBAN-NEW US", "IBAN-OLD FR");
        assertThat(Db.strings(admin, "SELECT vat::text FROM billing WHERE account_id = 3"))
                .containsExactly("5.00");
        assertThat(Db.strings(admin, "SELECT iban FROM billing WHERE account_id = 10"))
                .containsExactly("IBAN-10");
        assertThat(Db.count(admin, "SELECT count(*) FROM billing WHERE account_id = 4"))
                .isZero();
        assertThat(Db.strings(admin, "SELECT country FROM accounts WHERE id = 6"))
                .containsExactly("FR");
        assertThat(Db.strings(admin, "SELECT concat_ws(',', iban, country, vat) FROM accounts WHERE id = 7"))
                .containsExactly("");
        assertThat(Db.strings(admin, "SELECT iban FROM billing WHERE account_id = 1006"))
                .containsExactly("IBAN8");
        // 400 rows with a value, + the old version's insert, + row 10's first value, - row 4; + the new version's, -
        // row 7
        assertThat(Db.count(admin, "SELECT count(*) FROM billing")).isEqualTo(401);

        migrator.contract(plan);
        assertThat(Db.columns(admin, "accounts")).containsExactly("id", "name", "note");
        try (Connection c = asApp.getConnection();
                Statement s = c.createStatement()) {
            s.execute("UPDATE billing SET vat = 1 WHERE account_id = 1");
        }
        assertThat(Db.count(admin, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'tandem_sync%'"))
                .isZero();
    }

    @Test
    void rollback_dropsTheNewTableAndTriggers_restoresTheSchema_andExpandRunsAgain() throws Exception {
        List<String> before = OperationsIT.schema(admin);
        PostgresMigrator migrator = PostgresMigrator.create(admin);
        MigrationPlan plan = plan();
        migrator.expand(plan);
        migrator.backfill(plan);
        assertThat(migrator.rollback(plan).state()).isEqualTo(PlanState.ROLLED_BACK);
        assertThat(OperationsIT.schema(admin)).isEqualTo(before);
        assertThat(migrator.runTo(plan, PlanState.CONTRACTED).state()).isEqualTo(PlanState.CONTRACTED);
        assertThat(Db.count(admin, "SELECT count(*) FROM billing")).isEqualTo(400);
    }

    @Test
    void refusesWhatCannotMove_andChangesNothing() throws Exception {
        Db.exec(admin, "CREATE TABLE pairs (a int, b int, x text, PRIMARY KEY (a, b))");
        Db.exec(
                admin,
                "CREATE TABLE things (id int PRIMARY KEY, n int GENERATED ALWAYS AS (id * 2) STORED,"
                        + " seq bigserial, code text)");
        Db.exec(admin, "CREATE TABLE taken (id int)");
        Db.exec(admin, "CREATE TABLE tenants (id int PRIMARY KEY, secret text)");
        Db.exec(admin, "ALTER TABLE tenants ENABLE ROW LEVEL SECURITY");
        List<String> before = OperationsIT.schema(admin);
        PostgresMigrator migrator = PostgresMigrator.create(admin);
        assertThatThrownBy(() -> migrator.expand(MigrationPlan.named("refused")
                        .moveColumns(TableName.of("pairs"), List.of("x"), TableName.of("pair_x"), "k")
                        .moveColumns(
                                TableName.of("things"),
                                List.of("n", "seq", "id", "missing"),
                                TableName.of("taken"),
                                "k")
                        .moveColumns(TableName.of("tenants"), List.of("secret"), TableName.of("tenant_secrets"), "k")
                        .build()))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("\"public\".\"pairs\" has a primary key of 2 columns")
                .hasMessageContaining("column \"n\" of \"public\".\"things\" is generated")
                .hasMessageContaining("column \"seq\" of \"public\".\"things\" takes its default from a sequence")
                .hasMessageContaining("column \"id\" is the primary key of \"public\".\"things\"")
                .hasMessageContaining("\"missing\"")
                .hasMessageContaining("a relation \"public\".\"taken\" already exists")
                .hasMessageContaining("\"public\".\"tenants\" has row-level security");
        assertThat(OperationsIT.schema(admin)).isEqualTo(before);
        assertThat(Db.schemaExists(admin, "tandem")).isFalse();
    }

    @Test
    void merge_refusesTablesThatAreNotKeyedOneToOne_andColumnsItCannotCarry_andChangesNothing() throws Exception {
        Db.exec(
                admin,
                "CREATE TABLE loose (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id), x text)");
        Db.exec(
                admin,
                "CREATE TABLE extras (account_id bigint PRIMARY KEY REFERENCES accounts (id), name text,"
                        + " required text NOT NULL, n int GENERATED ALWAYS AS (1) STORED)");
        List<String> before = OperationsIT.schema(admin);
        PostgresMigrator migrator = PostgresMigrator.create(admin);
        assertThatThrownBy(() -> migrator.expand(MigrationPlan.named("merge-refused")
                        .mergeColumns(TableName.of("loose"), List.of("x"), ACCOUNTS)
                        .mergeColumns(TableName.of("extras"), List.of("name", "n"), ACCOUNTS)
                        .build()))
                .isInstanceOf(PlanValidationException.class)
                .hasMessageContaining("the primary key \"id\" of \"public\".\"loose\" is not a foreign key to"
                        + " \"public\".\"accounts\"")
                .hasMessageContaining("column \"name\" already exists in \"public\".\"accounts\"")
                .hasMessageContaining("column \"n\" of \"public\".\"extras\" is generated")
                .hasMessageContaining("column \"required\" of \"public\".\"extras\" is NOT NULL without a default");
        assertThat(OperationsIT.schema(admin)).isEqualTo(before);
    }

    @Test
    void planRules_refuseAMoveThatClashes() {
        assertThatThrownBy(() -> MigrationPlan.named("clash")
                        .moveColumns(ACCOUNTS, List.of("iban"), BILLING, "iban")
                        .build())
                .hasMessageContaining("the key \"iban\" of \"billing\" is also one of the moved columns");
        assertThatThrownBy(() -> MigrationPlan.named("clash")
                        .moveColumns(ACCOUNTS, List.of("iban"), BILLING, "account_id")
                        .renameColumn(ACCOUNTS, "iban", "iban2")
                        .build())
                .hasMessageContaining("already kept in sync");
    }
}
