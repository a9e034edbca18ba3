package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.DeriveColumns;
import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanStateException;
import dev.tandem.PlanValidationException;
import dev.tandem.StepExecutionException;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.Phase;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.SqlStatement;
import dev.tandem.plan.TableName;
import dev.tandem.postgres.Apps.Address;
import dev.tandem.testkit.database.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Data integrity: no value is lost or mangled, whatever the roles' settings, the keys, the defaults or the triggers. */
class IntegrityIT {

    TestDatabase db;
    DataSource ds;
    Roles roles;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("integrity");
        ds = db.dataSource();
        roles = new Roles(db);
    }

    @AfterEach
    void tearDown() throws Exception {
        roles.close();
        db.close();
    }

    /** A migrator role that owns the customers table, with the given role settings. */
    DataSource migratorRole(String... settings) throws SQLException {
        String mig = roles.create("mig", "NOSUPERUSER");
        Db.exec(ds, "GRANT CREATE ON DATABASE " + db.name() + " TO " + mig);
        Db.exec(ds, "GRANT CREATE, USAGE ON SCHEMA public TO " + mig);
        Db.exec(ds, "ALTER TABLE customers OWNER TO " + mig);
        for (String s : settings) {
            Db.exec(ds, "ALTER ROLE " + mig + " SET " + s);
        }
        return roles.connect(mig);
    }

    @Test
    void rolesSearchPath_neverChangesWhatTheBackfillComputes_norWhereRawSqlLands() throws Exception {
        Db.customers(ds, 2_000);
        Db.exec(ds, "CREATE SCHEMA ext");
        Db.exec(ds, "GRANT USAGE ON SCHEMA ext TO PUBLIC");
        // an orafce-style extension schema that shadows a built-in
        Db.exec(
                ds,
                "CREATE FUNCTION ext.split_part(text, text, integer) RETURNS text LANGUAGE sql AS $$ SELECT 'WRONG' $$");
        Db.exec(ds, "CREATE SCHEMA evil");
        Db.exec(ds, "CREATE TABLE evil.customers (id int, name text)");
        DataSource mig = migratorRole("search_path = evil, ext, pg_catalog, public");
        Db.exec(ds, "GRANT USAGE, CREATE ON SCHEMA evil TO PUBLIC");
        MigrationPlan plan = MigrationPlan.named("customers-address-split")
                .deriveColumns(Plans.addressSplit(dev.tandem.plan.UnmappedPolicy.RECORD))
                .rawSql(
                        Phase.EXPAND,
                        SqlStatement.trusted("CREATE INDEX CONCURRENTLY customers_name_idx ON customers (name)"),
                        SqlStatement.trusted("DROP INDEX CONCURRENTLY IF EXISTS customers_name_idx"),
                        "an index the new version's queries need")
                .dropColumn(Plans.CUSTOMERS, "address")
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(mig);
        assertThat(migrator.explain(plan).statements())
                .filteredOn(s -> s.sql().startsWith("CREATE INDEX CONCURRENTLY customers_name_idx"))
                .singleElement()
                .satisfies(s -> assertThat(s.relation()).isEqualTo("\"public\".\"customers\""));

        migrator.runTo(plan, PlanState.VERIFIED);

        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE city = 'WRONG' OR street_address = 'WRONG'"))
                .isZero();
        assertThat(Db.strings(ds, "SELECT city FROM customers WHERE id = 7")).containsExactly("Springfield");
        assertThat(Db.strings(ds, "SELECT tablename FROM pg_indexes WHERE indexname = 'customers_name_idx'"))
                .containsExactly("customers");
        assertThat(Db.strings(ds, "SELECT schemaname FROM pg_indexes WHERE indexname = 'customers_name_idx'"))
                .containsExactly("public");
        assertThat(migrator.verify(plan).contractable()).isTrue();
    }

    @Test
    void qualifiedUserFunction_forATableInAnotherSchema_worksInTheTriggerTheBackfillAndVerify() throws Exception {
        Db.exec(ds, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        Db.exec(
                ds,
                "CREATE FUNCTION public.digits_only(text) RETURNS text IMMUTABLE LANGUAGE sql"
                        + " AS $$ SELECT regexp_replace($1, '[^0-9]', '', 'g') $$");
        Db.exec(ds, "CREATE SCHEMA app");
        Db.exec(ds, "CREATE TABLE app.orders (id bigint PRIMARY KEY, ref text)");
        Db.exec(ds, "INSERT INTO app.orders SELECT g, 'REF-' || g || '-X' FROM generate_series(1, 100) g");
        TableName orders = TableName.of("app", "orders");
        MigrationPlan plan = MigrationPlan.named("orders-ref")
                .deriveColumns(DeriveColumns.on(orders)
                        .from("ref")
                        .into("ref_number", ColumnType.TEXT, SqlExpression.trusted("public.digits_only(ref)"))
                        .oneWay("the new version only reads the number"))
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(plan);
        Db.exec(ds, "INSERT INTO app.orders VALUES (1000, 'REF-1000-Y')");
        Db.exec(ds, "UPDATE app.orders SET ref = 'REF-77-Z' WHERE id = 5");
        migrator.backfill(plan);
        assertThat(migrator.verify(plan).contractable()).isTrue();
        assertThat(Db.strings(ds, "SELECT ref_number FROM app.orders WHERE id IN (5, 6, 1000) ORDER BY id"))
                .containsExactly("77", "6", "1000");
    }

    @Test
    void rowWhoseKeyMovesDuringTheBackfill_stillReachesTheNewShape() throws Exception {
        Db.customers(ds, 3_000);
        Db.exec(ds, "CREATE TABLE moved (calls int NOT NULL)");
        Db.exec(ds, "INSERT INTO moved VALUES (0)");
        // the health check runs before every batch: before the fifth, the application moves two rows the backfill
        // has not reached yet, one behind its cursor and one past its upper bound
        Db.exec(
                ds,
                "CREATE FUNCTION move_keys() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN"
                        + " UPDATE moved SET calls = calls + 1;"
                        + " IF (SELECT calls FROM moved) = 5 THEN"
                        + "   UPDATE customers SET id = -id WHERE id = 2500;"
                        + "   UPDATE customers SET id = 1000000 WHERE id = 2600;"
                        + " END IF; RETURN true; END $$");
        MigrationPlan plan = Plans.addressPlan();
        PostgresMigrator migrator = PostgresMigrator.create(
                ds,
                PostgresOptions.defaults()
                        .withBatchSizes(200, 100, 200)
                        .withHealthCheck(SqlStatement.trusted("SELECT move_keys()"), Duration.ofMillis(10)));
        migrator.expand(plan);
        migrator.backfill(plan);

        assertThat(Db.strings(ds, "SELECT city FROM customers WHERE id IN (-2500, 1000000)"))
                .containsExactly("Springfield", "Springfield");
        VerifyReport report = migrator.verify(plan);
        assertThat(report.inconsistentRows()).isZero();
        assertThat(report.contractable()).isTrue();
    }

    @Test
    void columnDefaults_neverFoolTheDirectionOfAnInsert() throws Exception {
        Db.exec(ds, "CREATE TABLE orders (id serial PRIMARY KEY, status text NOT NULL DEFAULT 'new', note text)");
        Db.exec(ds, "INSERT INTO orders (status) SELECT 'paid' FROM generate_series(1, 50)");
        TableName orders = TableName.of("orders");
        MigrationPlan plan = MigrationPlan.named("orders-status-rename")
                .renameColumnByCopy(orders, "status", "order_status", ColumnType.TEXT)
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(plan);

        // the new version names only the new column: the old one gets its default, which must not count as written
        Db.exec(ds, "INSERT INTO orders (order_status) VALUES ('shipped')");
        // the old version names only the old column; the new column's default (carried over) must not count either
        Db.exec(ds, "INSERT INTO orders (status) VALUES ('paid')");
        // the old version leaves it out: both sides hold the default
        Db.exec(ds, "INSERT INTO orders (note) VALUES ('v1 default')");
        assertThat(Db.strings(ds, "SELECT status || '=' || order_status FROM orders WHERE id > 50 ORDER BY id"))
                .containsExactly("shipped=shipped", "paid=paid", "new=new");

        migrator.backfill(plan);
        assertThat(migrator.verify(plan).contractable()).isTrue();
    }

    @Test
    void newVersion_mayRunOnlyOnceTheBackfillIsComplete() throws Exception {
        Db.customers(ds, 500);
        MigrationPlan plan = Plans.addressPlan();
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        PlanStatus pending = migrator.status(plan);
        assertThat(pending.oldVersionMayRun()).isTrue();
        assertThat(pending.newVersionMayRun()).isFalse();

        PlanStatus expanded = migrator.expand(plan);
        assertThat(expanded.oldVersionMayRun()).isTrue();
        // rows from before expand still have empty new columns: an ORM re-save of one would erase its address
        assertThat(expanded.newVersionMayRun()).isFalse();
        assertThat(expanded.toString()).contains("only the old version may run");

        migrator.backfill(plan);
        PlanStatus backfilled = migrator.status(plan);
        assertThat(backfilled.newVersionMayRun()).isTrue();
        assertThat(backfilled.oldVersionMayRun()).isTrue();
        assertThat(backfilled.toString()).contains("old and new version may run");

        migrator.contract(plan);
        PlanStatus contracted = migrator.status(plan);
        assertThat(contracted.oldVersionMayRun()).isFalse();
        assertThat(contracted.newVersionMayRun()).isTrue();
    }

    @Test
    void verify_acceptsARowTheNewVersionWroteWithAnEmptyPart() throws Exception {
        Db.customers(ds, 100);
        MigrationPlan plan = Plans.addressPlan();
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(plan);
        migrator.backfill(plan);
        Apps.V2 v2 = new Apps.V2(ds);
        // its forward mapping does not give back the NULL the new version wrote: the row is a fixed point of the
        // direction it was written in (backward), and dropping the old column loses nothing of it
        v2.update(7, new Address("1 Partial St", "Halfway", null, "10001"));
        v2.update(8, new Address("2 Partial St", null, null, null));

        VerifyReport report = migrator.verify(plan);
        assertThat(report.inconsistentRows()).isZero();
        assertThat(report.contractable()).isTrue();
        migrator.contract(plan);
        assertThat(v2.address(7)).isEqualTo(new Address("1 Partial St", "Halfway", null, "10001"));
    }

    @Test
    void roleDefaults_neverChangeTandemsOwnTransactions() throws Exception {
        Db.customers(ds, 3_000);
        DataSource mig = migratorRole(
                "default_transaction_isolation = 'serializable'",
                "default_transaction_read_only = on",
                "statement_timeout = '50ms'",
                "lock_timeout = '1ms'",
                "\"TimeZone\" = 'Pacific/Kiritimati'",
                "\"DateStyle\" = 'SQL, DMY'",
                "search_path = pg_temp");
        MigrationPlan plan = Plans.addressPlan();
        PostgresMigrator migrator =
                PostgresMigrator.create(mig, PostgresOptions.defaults().withBatchSizes(300, 100, 300));
        migrator.expand(plan);
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 200; i++) {
                try {
                    Db.exec(
                            ds,
                            "UPDATE customers SET address = '" + i + " Busy St, Town, CA, 90001' WHERE id = "
                                    + (i * 13));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        writer.start();
        migrator.backfill(plan);
        writer.join();
        assertThat(migrator.verify(plan).contractable()).isTrue();
        assertThat(migrator.contract(plan).state()).isEqualTo(PlanState.CONTRACTED);
        // the pooled connection gets its own settings back
        try (Connection c = mig.getConnection();
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SHOW default_transaction_read_only")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("on");
        }
    }

    @Test
    void dropColumn_ofANotNullColumn_letsTheNewVersionInsert_andRollsBackSafely() throws Exception {
        Db.exec(ds, "CREATE TABLE items (id serial PRIMARY KEY, name text, legacy_code text NOT NULL)");
        Db.exec(ds, "INSERT INTO items (name, legacy_code) SELECT 'i' || g, 'L' || g FROM generate_series(1, 20) g");
        TableName items = TableName.of("items");
        MigrationPlan plan = MigrationPlan.named("drop-legacy")
                .dropColumn(items, "legacy_code")
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(plan);

        // the new version no longer knows the column
        for (int i = 0; i < 125; i++) {
            Db.exec(ds, "INSERT INTO items (name) VALUES ('v2-" + i + "')");
        }
        assertThatThrownBy(() -> migrator.rollback(plan))
                .isInstanceOfSatisfying(
                        PlanStateException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STATE_CONFLICT))
                .hasMessageContaining("125 rows of \"public\".\"items\" have no value in \"legacy_code\"")
                .hasMessageContaining("Nothing was changed");
        assertThat(migrator.status(plan).state()).isEqualTo(PlanState.EXPANDED);

        Db.exec(ds, "UPDATE items SET legacy_code = 'none' WHERE legacy_code IS NULL");
        assertThat(migrator.rollback(plan).state()).isEqualTo(PlanState.ROLLED_BACK);
        assertThat(Db.strings(
                        ds,
                        "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'items'"
                                + " AND column_name = 'legacy_code'"))
                .containsExactly("NO");
        assertThat(Db.count(
                        ds, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'items'::regclass AND contype = 'c'"))
                .isZero();

        // and forward again to the end
        migrator.expand(plan);
        Db.exec(ds, "INSERT INTO items (name) VALUES ('v2-after')");
        assertThat(migrator.runTo(plan, PlanState.CONTRACTED).state()).isEqualTo(PlanState.CONTRACTED);
        assertThat(Db.columns(ds, "items")).containsExactly("id", "name");
    }

    @Test
    void renameColumnByCopy_carriesDefaultNotNullAndUniqueIndex_overToTheNewColumn() throws Exception {
        Db.exec(ds, "CREATE TABLE users (id serial PRIMARY KEY, login text NOT NULL DEFAULT 'guest', bio text)");
        Db.exec(ds, "ALTER TABLE users ADD CONSTRAINT users_login_key UNIQUE (login)");
        Db.exec(ds, "CREATE INDEX users_login_pattern ON users (login text_pattern_ops)");
        Db.exec(ds, "INSERT INTO users (login) SELECT 'u' || g FROM generate_series(1, 300) g");
        TableName users = TableName.of("users");
        MigrationPlan plan = MigrationPlan.named("users-login-rename")
                .renameColumnByCopy(users, "login", "username", ColumnType.TEXT)
                .build();
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(plan);
        // the old version updates rows the backfill has not reached yet: the copy's NOT NULL waits for the backfill
        Db.exec(ds, "UPDATE users SET bio = 'before the backfill' WHERE id = 5");
        // uniqueness holds on the new column from expand on
        Db.exec(ds, "INSERT INTO users (username) VALUES ('alice')");
        assertThatThrownBy(() -> Db.exec(ds, "INSERT INTO users (username) VALUES ('alice')"))
                .hasMessageContaining("duplicate key");
        migrator.backfill(plan);
        migrator.contract(plan);

        assertThat(Db.columns(ds, "users")).containsExactly("id", "bio", "username");
        assertThat(Db.strings(
                        ds,
                        "SELECT column_default || '|' || is_nullable FROM information_schema.columns"
                                + " WHERE table_name = 'users' AND column_name = 'username'"))
                .containsExactly("'guest'::text|NO");
        assertThat(Db.strings(
                        ds,
                        "SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE tablename = 'users'"
                                + " ORDER BY indexname"))
                .containsExactly(
                        "users_login_key: CREATE UNIQUE INDEX users_login_key ON public.users USING btree (username)",
                        "users_login_pattern: CREATE INDEX users_login_pattern ON public.users USING btree (username"
                                + " text_pattern_ops)",
                        "users_pkey: CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)");
        assertThat(Db.strings(
                        ds, "SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'u'"))
                .containsExactly("users_login_key");
        Db.exec(ds, "INSERT INTO users (bio) VALUES ('new version')");
        assertThat(Db.strings(ds, "SELECT username FROM users WHERE bio = 'new version'"))
                .containsExactly("guest");
    }

    @Test
    void renameColumnByCopy_ofWhatACopyCannotCarry_isRefusedBeforeAnythingChanges() throws Exception {
        Db.exec(ds, "CREATE TABLE parents (id serial PRIMARY KEY, code text UNIQUE, a int, b int)");
        Db.exec(ds, "CREATE TABLE children (id serial PRIMARY KEY, parent_code text REFERENCES parents (code))");
        Db.exec(ds, "CREATE INDEX parents_a_b ON parents (a, b)");
        Db.exec(ds, "ALTER TABLE parents ADD CONSTRAINT b_positive CHECK (b > 0)");
        TableName parents = TableName.of("parents");
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        for (String[] c : new String[][] {
            {"id", "parent_id", "part of the primary key"},
            {"code", "parent_code", "children_parent_code_fkey"},
            {"a", "alpha", "index \"parents_a_b\" covers more than this column"},
            {"b", "beta", "b_positive"}
        }) {
            MigrationPlan plan = MigrationPlan.named("rename-" + c[0])
                    .renameColumnByCopy(parents, c[0], c[1], ColumnType.TEXT)
                    .build();
            assertThatThrownBy(() -> migrator.expand(plan))
                    .as(c[0])
                    .isInstanceOf(PlanValidationException.class)
                    .hasMessageContaining(
                            "renaming \"" + c[0] + "\" of \"public\".\"parents\" by copy is not supported")
                    .hasMessageContaining(c[2]);
            assertThat(Db.columns(ds, "parents")).doesNotContain(c[1]);
        }
    }

    @Test
    void backfill_skipsTheTablesOwnUpdateTriggers_unlessTold() throws Exception {
        Db.customers(ds, 1_000);
        Db.exec(ds, "UPDATE customers SET updated_at = '2020-01-01'");
        Db.exec(
                ds,
                "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$");
        Db.exec(ds, "CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch()");
        MigrationPlan plan = Plans.addressPlan();

        // a migrator that may set session_replication_role (here: a superuser) skips them
        PostgresMigrator migrator = PostgresMigrator.create(ds);
        migrator.expand(plan);
        migrator.backfill(plan);
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE updated_at <> '2020-01-01'"))
                .isZero();
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE city IS NULL"))
                .isZero();
        migrator.rollback(plan);

        // one that may not stops before its first batch and says what to do
        DataSource mig = migratorRole();
        PostgresOptions own = PostgresOptions.defaults().withStateSchema("tandem_own");
        PostgresMigrator owner = PostgresMigrator.create(mig, own);
        owner.expand(plan);
        assertThatThrownBy(() -> owner.backfill(plan))
                .isInstanceOf(StepExecutionException.class)
                .hasMessageContaining("would fire the table's trigger(s) [customers_touch]")
                .hasMessageContaining("GRANT SET ON PARAMETER session_replication_role")
                .hasMessageContaining("PostgresOptions.withBackfillFiringTriggers(true)")
                .hasMessageContaining("Nothing was changed");
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE city IS NOT NULL"))
                .isZero();

        // told to fire them, it does
        owner.withOptions(own.withBackfillFiringTriggers(true)).backfill(plan);
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE updated_at = '2020-01-01'"))
                .isZero();
    }
}
