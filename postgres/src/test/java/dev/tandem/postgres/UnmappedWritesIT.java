package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.ErrorCode;
import dev.tandem.MigrationPlan;
import dev.tandem.PlanStateException;
import dev.tandem.plan.UnmappedPolicy;
import dev.tandem.postgres.internal.Names;
import dev.tandem.testkit.database.TestDatabase;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * How the sync trigger records the unmapped values of application writes under RECORD: the row trigger keeps them in a
 * transaction-local setting, and a statement trigger records them once the rows are written. Every shape of write must
 * end with exactly the rows it left unmapped recorded, however many, however nested, and whatever was rolled back.
 */
class UnmappedWritesIT {

    static final String UNMAPPABLE = "no commas here";

    TestDatabase db;
    DataSource ds;
    MigrationPlan plan = Plans.addressPlan(UnmappedPolicy.RECORD);
    PostgresMigrator migrator;

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("unmapped_writes");
        ds = db.dataSource();
        Db.customers(ds, 3_000);
        migrator = PostgresMigrator.create(ds);
        migrator.expand(plan);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private List<String> recorded() throws Exception {
        return Db.strings(ds, "SELECT row_key[1] FROM tandem.unmapped ORDER BY row_key[1]::int, direction");
    }

    @Test
    void oneUpdate_ofThousandsOfUnmappableValues_recordsEveryRow() throws Exception {
        // 2,000 pending entries are well over the 64 kB the row trigger keeps before it records the written ones early
        Db.exec(ds, "UPDATE customers SET address = '" + UNMAPPABLE + " ' || id WHERE id <= 2000");

        assertThat(Db.count(ds, "SELECT count(*) FROM tandem.unmapped")).isEqualTo(2_000);
        assertThat(Db.count(ds, "SELECT count(DISTINCT row_key[1]) FROM tandem.unmapped WHERE direction = 'forward'"))
                .isEqualTo(2_000);
        assertThat(Db.strings(ds, "SELECT DISTINCT reason FROM tandem.unmapped"))
                .containsExactly("the plan's mappableWhen condition is false");
        // nothing is left pending for the session's next transaction
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE customers SET address = '1 Main St, Springfield, IL, 00001' WHERE id = 2500");
            try (var rs = s.executeQuery("SELECT coalesce(current_setting('"
                    + Names.pendingSetting(plan.id(), plan.dualWrites().get(0)) + "', true), '')")) {
                rs.next();
                assertThat(rs.getString(1)).isEmpty();
            }
        }
    }

    @Test
    void writesRolledBackToASavepoint_leaveNoRecord_laterOnesDo() throws Exception {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SAVEPOINT a");
            s.executeUpdate("UPDATE customers SET address = '" + UNMAPPABLE + "' WHERE id = 5");
            s.execute("ROLLBACK TO SAVEPOINT a");
            s.executeUpdate("UPDATE customers SET address = '" + UNMAPPABLE + "' WHERE id = 6");
            s.execute("SAVEPOINT b");
            s.executeUpdate("UPDATE customers SET address = '" + UNMAPPABLE + "' WHERE id = 7");
            s.execute("RELEASE SAVEPOINT b");
            c.commit();
            // a whole transaction rolled back leaves nothing either
            s.executeUpdate("UPDATE customers SET address = '" + UNMAPPABLE + "' WHERE id = 8");
            c.rollback();
        }
        assertThat(recorded()).containsExactly("6", "7");
    }

    @Test
    void nestedWrites_fromTheTablesOwnTriggers_areRecorded_theOuterRowOnceItIsWritten() throws Exception {
        // A BEFORE trigger that fires after Tandem's (names sort after "tandem_sync_") and writes another row of the
        // same table: its statement ends, and records, before the outer row is written.
        Db.exec(
                ds,
                "CREATE FUNCTION public.touch_partner() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF pg_trigger_depth() = 1 THEN"
                        + " UPDATE customers SET address = 'partner without commas' WHERE id = NEW.id + 1000; END IF;"
                        + " RETURN NEW; END $$");
        Db.exec(
                ds,
                "CREATE TRIGGER zz_partner BEFORE UPDATE OF address ON customers FOR EACH ROW"
                        + " EXECUTE FUNCTION public.touch_partner()");
        // and an AFTER row trigger on another table that writes this one
        Db.exec(ds, "CREATE TABLE moves (customer_id int, address text)");
        Db.exec(
                ds,
                "CREATE FUNCTION public.apply_move() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " UPDATE customers SET address = NEW.address WHERE id = NEW.customer_id; RETURN NULL; END $$");
        Db.exec(
                ds,
                "CREATE TRIGGER apply_move AFTER INSERT ON moves FOR EACH ROW EXECUTE FUNCTION public.apply_move()");

        Db.exec(ds, "UPDATE customers SET address = '" + UNMAPPABLE + "' WHERE id IN (1, 2)");
        Db.exec(
                ds,
                "INSERT INTO moves VALUES (300, 'moved without commas'), (301, '301 Main St, Springfield, IL, 00301')");

        // (the partner trigger writes only at depth 1, so the move of 300 touches no partner)
        assertThat(recorded()).containsExactly("1", "2", "300", "1001", "1002");
        assertThat(Db.count(ds, "SELECT count(*) FROM customers WHERE address NOT LIKE '%,%'"))
                .isEqualTo(5);
    }

    @Test
    void upsertsAndCopy_ofUnmappableValues_areRecorded() throws Exception {
        Db.exec(
                ds,
                "INSERT INTO customers (id, name, email, address) VALUES (10, 'x', 'c10@example.com', '" + UNMAPPABLE
                        + "') ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address");
        Db.exec(
                ds,
                "INSERT INTO customers (id, name, email, address) VALUES (5000, 'new', 'new@example.com', '"
                        + UNMAPPABLE + "') ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address");
        // an upsert whose insert could not be mapped but whose update can: nothing to record
        Db.exec(
                ds,
                "INSERT INTO customers (id, name, email, address) VALUES (11, 'x', 'c11@example.com', '" + UNMAPPABLE
                        + "') ON CONFLICT (id) DO UPDATE SET address = '11 Main St, Springfield, IL, 00011'");
        try (Connection c = ds.getConnection()) {
            String rows = LongStream.of(6000, 6001, 6002)
                    .mapToObj(id -> id + "\tCopied " + id + "\tcopy" + id + "@example.com\t"
                            + (id == 6001 ? "6001 Main St, Springfield, IL, 06001" : UNMAPPABLE) + "\n")
                    .collect(Collectors.joining());
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY customers (id, name, email, address) FROM STDIN", new StringReader(rows));
        }
        // (11's update wrote the address it had: the row is only not backfilled yet, and is not recorded)
        assertThat(recorded()).containsExactly("10", "5000", "6000", "6002");
    }

    @Test
    void aWriterThatClearsItsPendingValues_losesOnlyItsOwnRecord_andContractStillRefuses() throws Exception {
        migrator.backfill(plan);
        assertThat(migrator.verify(plan).contractable()).isTrue();
        String setting = Names.pendingSetting(plan.id(), plan.dualWrites().get(0));
        // the setting is the writer's own session state: it can empty it before the statement trigger reads it
        Db.exec(
                ds,
                "UPDATE customers SET address = '" + UNMAPPABLE + "' WHERE id = 9"
                        + " RETURNING pg_catalog.set_config('" + setting + "', '', true)");
        assertThat(recorded()).isEmpty();
        // nothing it can do to its session keeps contract from verifying every row first
        assertThatThrownBy(() -> migrator.contract(plan))
                .isInstanceOfSatisfying(
                        PlanStateException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONTRACT_REFUSED))
                .hasMessageContaining("could not be mapped");
        assertThat(recorded()).containsExactly("9");
        assertThat(Db.columns(ds, "customers")).contains("address");
    }
}
