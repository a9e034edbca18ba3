package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.DeriveColumns;
import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanStateException;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Application roles are untrusted. Whatever they plant (a function or operator on a path, an identifier, a session
 * setting) must never run with the migrator's rights nor skip the sync unnoticed, and they can read or change Tandem's
 * state only as far as their own writes cause.
 */
class SecurityIT {

    static final TableName ACCOUNTS = TableName.of("accounts");

    TestDatabase db;
    DataSource admin;
    Roles roles;
    String app;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("security");
        admin = db.dataSource();
        roles = new Roles(db);
        // varchar, so that an overload planted for varchar is an exact match and outranks the text built-ins
        Db.exec(admin, "CREATE TABLE accounts (id serial PRIMARY KEY, name text, address varchar(200))");
        Db.exec(
                admin,
                "INSERT INTO accounts (name, address) SELECT 'n' || g, g || ' Main St, Springfield, IL, 6270' || (g % 10)"
                        + " FROM generate_series(1, 200) g");
        Db.exec(admin, "CREATE TABLE pwned (who text, what text)");
        Db.exec(admin, "GRANT INSERT ON pwned TO PUBLIC");
        app = roles.create("app", "NOSUPERUSER");
        Db.exec(admin, "GRANT USAGE ON SCHEMA public TO " + app);
        Db.exec(admin, "GRANT SELECT, INSERT, UPDATE, DELETE ON accounts TO " + app);
        Db.exec(admin, "GRANT USAGE ON SEQUENCE accounts_id_seq TO " + app);
        // PostgreSQL 14's stock public schema: every role may create objects in it
        Db.exec(admin, "GRANT CREATE ON SCHEMA public TO PUBLIC");
    }

    @AfterEach
    void tearDown() throws Exception {
        roles.close();
        db.close();
    }

    static MigrationPlan split() {
        return MigrationPlan.named("accounts-address-split")
                .deriveColumns(DeriveColumns.on(ACCOUNTS)
                        .named("accounts.address")
                        .from("address")
                        .into(
                                "street_address",
                                ColumnType.varchar(255),
                                SqlExpression.trusted("trim(split_part(address, ',', 1))"))
                        .into(
                                "city",
                                ColumnType.varchar(100),
                                SqlExpression.trusted("trim(split_part(address, ',', 2))"))
                        .into(
                                "state",
                                ColumnType.varchar(2),
                                SqlExpression.trusted("trim(split_part(address, ',', 3))"))
                        .into(
                                "zip_code",
                                ColumnType.varchar(10),
                                SqlExpression.trusted("trim(split_part(address, ',', 4))"))
                        .backward(
                                "address",
                                SqlExpression.trusted(
                                        "CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0 THEN NULL"
                                                + " ELSE concat_ws(', ', street_address, city, state, zip_code) END"))
                        .mappableWhen(SqlExpression.trusted("address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$'")))
                .dropColumn(ACCOUNTS, "address")
                .build();
    }

    /** Functions an application role plants in public: each records who ran it, then tries to escalate. */
    void plant(DataSource as, String steal) throws SQLException {
        String body = "BEGIN INSERT INTO public.pwned VALUES (current_user, %s); " + steal
                + " BEGIN EXECUTE 'ALTER ROLE " + app + " SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END; RETURN %s;"
                + " END";
        exec(
                as,
                "CREATE FUNCTION public.num_nonnulls(varchar, varchar, varchar, varchar) RETURNS integer"
                        + " LANGUAGE plpgsql AS $f$" + String.format(body, "'num_nonnulls'", "1") + "$f$");
        exec(
                as,
                "CREATE FUNCTION public.split_part(varchar, text, integer) RETURNS text LANGUAGE plpgsql AS $f$"
                        + String.format(body, "'split_part'", "'hijacked'") + "$f$");
        exec(
                as,
                "CREATE FUNCTION public.concat_ws(text, varchar, varchar, varchar, varchar) RETURNS text"
                        + " LANGUAGE plpgsql AS $f$" + String.format(body, "'concat_ws'", "'hijacked'") + "$f$");
        exec(
                as,
                "CREATE FUNCTION public.hijack_match(varchar, text) RETURNS boolean LANGUAGE plpgsql AS $f$"
                        + String.format(body, "'~'", "true") + "$f$");
        exec(as, "CREATE OPERATOR public.~ (LEFTARG = varchar, RIGHTARG = text, FUNCTION = public.hijack_match)");
    }

    /** What the old version and the new version do, as the application role. */
    void appWrites(DataSource as) throws SQLException {
        exec(as, "INSERT INTO accounts (name, address) VALUES ('new', '1 New St, Boston, MA, 02101')");
        exec(as, "UPDATE accounts SET address = '2 Old St, Austin, TX, 73301' WHERE id = 2");
        exec(as, "UPDATE accounts SET city = 'Chicago' WHERE id = 3"); // a new-side write: backward mapping
        exec(
                as,
                "INSERT INTO accounts (name, street_address, city, state, zip_code)"
                        + " VALUES ('v2', '9 Lake St', 'Denver', 'CO', '80201')");
    }

    void assertNothingPlantedRan() throws SQLException {
        assertThat(Db.strings(admin, "SELECT who || ' ran ' || what FROM pwned"))
                .as("planted functions that ran")
                .isEmpty();
        assertThat(Db.count(admin, "SELECT count(*) FROM pg_roles WHERE rolname = ? AND rolsuper", app))
                .isZero();
    }

    @Test
    void plantedOverloads_onAStockPostgres14PublicSchema_neverRun_migratorSuperuser() throws Exception {
        DataSource asApp = roles.connect(app);
        plant(asApp, "");
        PostgresMigrator migrator = PostgresMigrator.create(admin);
        MigrationPlan plan = split();

        migrator.expand(plan);
        appWrites(asApp);
        migrator.backfill(plan);
        appWrites(asApp);
        assertThat(migrator.verify(plan).contractable()).isTrue();

        assertNothingPlantedRan();
        // and the values were computed by the built-ins
        assertThat(Db.strings(
                        admin, "SELECT street_address || '|' || city || '|' || address FROM accounts WHERE id = 3"))
                .containsExactly("3 Main St|Chicago|3 Main St, Chicago, IL, 62703");
        assertThat(Db.strings(admin, "SELECT city FROM accounts WHERE id = 2")).containsExactly("Austin");
        assertThat(Db.count(admin, "SELECT count(*) FROM accounts WHERE city = 'hijacked' OR address = 'hijacked'"))
                .isZero();
        migrator.contract(plan);
        assertNothingPlantedRan();
    }

    @Test
    void plantedOverloads_neverReadWhatOnlyTheMigratorMay_nonSuperuserOwner() throws Exception {
        String owner = roles.create("owner", "NOSUPERUSER");
        Db.exec(admin, "GRANT CREATE ON DATABASE " + db.name() + " TO " + owner);
        Db.exec(admin, "GRANT CREATE, USAGE ON SCHEMA public TO " + owner);
        Db.exec(admin, "ALTER TABLE accounts OWNER TO " + owner);
        Db.exec(admin, "CREATE TABLE secret (s text)");
        Db.exec(admin, "INSERT INTO secret VALUES ('the migrator may read this')");
        Db.exec(admin, "GRANT SELECT ON secret TO " + owner);
        DataSource asApp = roles.connect(app);
        plant(asApp, "INSERT INTO public.pwned SELECT current_user, s FROM public.secret;");
        PostgresMigrator migrator = PostgresMigrator.create(roles.connect(owner));
        MigrationPlan plan = split();

        migrator.expand(plan);
        appWrites(asApp);
        migrator.backfill(plan);
        assertThat(migrator.verify(plan).contractable()).isTrue();
        migrator.contract(plan);

        assertNothingPlantedRan();
        assertThatThrownBy(() -> Db.count(asApp, "SELECT count(*) FROM secret"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("permission denied");
    }

    @Test
    void expressionCallingAFunctionInASchemaOthersMayWriteTo_isRefusedBeforeAnythingChanges() throws Exception {
        Db.exec(
                admin,
                "CREATE FUNCTION public.digits_only(text) RETURNS text IMMUTABLE LANGUAGE sql"
                        + " AS $$ SELECT regexp_replace($1, '[^0-9]', '', 'g') $$");
        MigrationPlan plan = MigrationPlan.named("zip")
                .deriveColumns(DeriveColumns.on(ACCOUNTS)
                        .from("address")
                        .into(
                                "zip",
                                ColumnType.TEXT,
                                SqlExpression.trusted("public.digits_only(split_part(address, ',', 4))"))
                        .oneWay("the new version only reads the zip"))
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(admin);

        assertThatThrownBy(() -> migrator.expand(plan))
                .hasMessageContaining("public.digits_only(text)")
                .hasMessageContaining("in schema \"public\", where PUBLIC may create objects")
                .hasMessageContaining("REVOKE CREATE ON SCHEMA \"public\" FROM PUBLIC");
        assertThat(Db.columns(admin, "accounts")).doesNotContain("zip");
        assertThat(Db.schemaExists(admin, "tandem")).isFalse();

        // the way out the message names
        Db.exec(admin, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        migrator.expand(plan);
        migrator.backfill(plan);
        assertThat(Db.strings(admin, "SELECT zip FROM accounts WHERE id = 7")).containsExactly("62707");
    }

    @Test
    void unqualifiedUserFunction_isRefusedAtExpand_withTheResolutionRule() throws Exception {
        Db.exec(admin, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        Db.exec(
                admin,
                "CREATE FUNCTION public.digits_only(text) RETURNS text IMMUTABLE LANGUAGE sql"
                        + " AS $$ SELECT regexp_replace($1, '[^0-9]', '', 'g') $$");
        MigrationPlan plan = MigrationPlan.named("zip")
                .deriveColumns(DeriveColumns.on(ACCOUNTS)
                        .from("address")
                        .into("zip", ColumnType.TEXT, SqlExpression.trusted("digits_only(split_part(address, ',', 4))"))
                        .oneWay("the new version only reads the zip"))
                .build();
        assertThatThrownBy(() -> PostgresMigrator.create(admin).expand(plan))
                .hasMessageContaining("function digits_only(text) does not exist")
                .hasMessageContaining("search_path = pg_catalog, pg_temp")
                .hasMessageContaining("schema-qualify your own functions");
        assertThat(Db.schemaExists(admin, "tandem")).isFalse();
    }

    @Test
    void identifiersWithDollarQuotes_quotesAndUnicode_runAsNames_neverAsCode() throws Exception {
        Db.exec(admin, "CREATE TABLE y (keep int)");
        // a role that does not check function bodies, as in the reported attack; Tandem checks them anyway
        Db.exec(admin, "ALTER DATABASE " + db.name() + " SET check_function_bodies = off");
        String evil = "a$tandem$;DROP TABLE IF EXISTS y;SELECT $tandem$";
        String street = "street$tandem$name";
        String quoted = "ci\"ty $$ \\ ' %s";
        String unicode = "ünïcødé_staté_名前";
        String longest = "z".repeat(63);
        MigrationPlan plan = MigrationPlan.named("weird-names")
                .deriveColumns(DeriveColumns.on(ACCOUNTS)
                        .named("accounts.weird")
                        .from("address")
                        .into(evil, ColumnType.TEXT, SqlExpression.trusted("split_part(address, ',', 1)"))
                        .into(street, ColumnType.TEXT, SqlExpression.trusted("split_part(address, ',', 1)"))
                        .into(quoted, ColumnType.TEXT, SqlExpression.trusted("trim(split_part(address, ',', 2))"))
                        .into(unicode, ColumnType.TEXT, SqlExpression.trusted("trim(split_part(address, ',', 3))"))
                        .into(longest, ColumnType.TEXT, SqlExpression.trusted("trim(split_part(address, ',', 4))"))
                        .backward(
                                "address",
                                SqlExpression.trusted("concat_ws(', ', " + ident(street) + ", " + ident(quoted) + ", "
                                        + ident(unicode) + ", " + ident(longest) + ")")))
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(admin);

        migrator.expand(plan);
        assertThat(Db.count(admin, "SELECT count(*) FROM pg_class WHERE relname = 'y'"))
                .isEqualTo(1);
        Db.exec(admin, "INSERT INTO accounts (name, address) VALUES ('v1', '5 Elm St, Salem, OR, 97301')");
        Db.exec(admin, "UPDATE accounts SET " + ident(quoted) + " = 'Portland' WHERE id = 4");
        migrator.backfill(plan);
        assertThat(migrator.verify(plan).contractable()).isTrue();

        assertThat(Db.count(admin, "SELECT count(*) FROM pg_class WHERE relname = 'y'"))
                .isEqualTo(1);
        assertThat(Db.strings(
                        admin,
                        "SELECT " + ident(quoted) + " || '|' || " + ident(unicode) + " || '|' || " + ident(longest)
                                + " FROM accounts WHERE name = 'v1'"))
                .containsExactly("Salem|OR|97301");
        assertThat(Db.strings(admin, "SELECT address FROM accounts WHERE id = 4"))
                .containsExactly("4 Main St, Portland, IL, 62704");
    }

    @Test
    void syncSwitch_isIgnoredForApplicationRoles_andContractReverifiesWhateverWritersSet() throws Exception {
        DataSource asApp = roles.connect(app);
        MigrationPlan plan = split();
        PostgresMigrator migrator = PostgresMigrator.create(admin);
        migrator.expand(plan);
        migrator.backfill(plan);
        assertThat(migrator.verify(plan).contractable()).isTrue();

        // an application role tries to switch the dual write off: the trigger still maps its write
        try (Connection c = asApp.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET tandem.sync = 'off'");
            s.executeUpdate("UPDATE accounts SET address = '8 Pine St, Reno, NV, 89501' WHERE id = 8");
            // nor for a write of the new side only, which the other update trigger (the one with the WHEN) maps
            s.executeUpdate("UPDATE accounts SET city = 'Sparks' WHERE id = 8");
        }
        assertThat(Db.strings(admin, "SELECT city FROM accounts WHERE id = 8")).containsExactly("Sparks");
        assertThat(Db.strings(admin, "SELECT address FROM accounts WHERE id = 8"))
                .containsExactly("8 Pine St, Sparks, NV, 89501");

        // a member of the table's owner may switch it off (it could drop the trigger anyway): contract still refuses
        // to drop the old shape while that left a row inconsistent, although the plan was VERIFIED before
        try (Connection c = admin.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SET tandem.sync = 'off'");
            s.executeUpdate("UPDATE accounts SET address = '9 Oak St, Provo, UT, 84601' WHERE id = 9");
        }
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.VERIFIED);
        assertThatThrownBy(() -> migrator.contract(plan))
                .isInstanceOfSatisfying(
                        PlanStateException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONTRACT_REFUSED))
                .hasMessageContaining("1 inconsistent rows");
        assertThat(Db.columns(admin, "accounts")).contains("address");
    }

    @Test
    void applicationRole_cannotReadOrForgeTandemsState_beyondItsOwnWrites() throws Exception {
        Db.exec(admin, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        // default privileges that would hand every new table to the application
        Db.exec(admin, "ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO " + app);
        DataSource asApp = roles.connect(app);
        MigrationPlan plan = split();
        PostgresMigrator migrator = PostgresMigrator.create(admin);
        migrator.expand(plan);
        migrator.backfill(plan);

        for (String sql : new String[] {
            "SELECT count(*) FROM tandem.plans",
            "SELECT count(*) FROM tandem.unmapped",
            "DELETE FROM tandem.unmapped",
            "UPDATE tandem.plans SET state = 'VERIFIED'",
            "INSERT INTO tandem.unmapped (plan_id, step_id, table_name, row_key, direction, reason, value)"
                    + " VALUES ('accounts-address-split', 'accounts.address/sync', 'x', '{1}', 'forward', 'r', 'v')"
        }) {
            assertThatThrownBy(() -> exec(asApp, sql)).as(sql).hasMessageContaining("permission denied");
        }
        String record = Db.strings(
                        admin,
                        "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = 'tandem'::regnamespace"
                                + " AND p.proname LIKE 'sync\\_%\\_record'")
                .get(0)
                .replaceAll("\\(.*", "");
        // the recording function records only rows the calling transaction wrote itself
        exec(asApp, "SELECT " + record + "(5, 'forward', NULL, 'forged')");
        assertThat(Db.count(admin, "SELECT count(*) FROM tandem.unmapped")).isZero();
        try (Connection c = asApp.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            // its own write of a value the plan cannot map is recorded, as it should be
            s.executeUpdate("UPDATE accounts SET address = 'no commas here' WHERE id = 6");
            s.execute("SELECT " + record + "(5, 'forward', NULL, 'forged')");
            c.commit();
        }
        assertThat(Db.strings(admin, "SELECT row_key::text FROM tandem.unmapped"))
                .containsExactly("{6}");
    }

    static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
