package dev.tandem.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.MigrationPlan;
import dev.tandem.postgres.Apps.Address;
import dev.tandem.testkit.database.TestDatabase;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** The ways real applications write, each kept in sync by the trigger: upserts, COPY, ORMs that save every column. */
class AppPatternsIT {

    TestDatabase db;
    DataSource ds;
    PostgresMigrator migrator;
    final MigrationPlan plan = Plans.addressPlan();

    @BeforeEach
    void setUp() throws Exception {
        db = Db.fresh("patterns");
        ds = db.dataSource();
        Db.customers(ds, 200);
        migrator = PostgresMigrator.create(ds);
        migrator.expand(plan);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void upserts_fromEitherVersion_keepBothShapes() throws Exception {
        // the old version inserts or, on a duplicate email, updates the address
        String v1 = "INSERT INTO customers (name, email, address) VALUES (?, ?, ?)"
                + " ON CONFLICT (email) DO UPDATE SET address = EXCLUDED.address";
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(v1)) {
            for (String[] row : new String[][] {
                {"New", "new@example.com", "1 First St, Austin, TX, 73301"},
                {"Old", "c5@example.com", "5 Moved St, Dallas, TX, 75201"}
            }) {
                ps.setString(1, row[0]);
                ps.setString(2, row[1]);
                ps.setString(3, row[2]);
                ps.executeUpdate();
            }
        }
        migrator.backfill(plan);
        // the new version upserts the structured columns
        String v2 = "INSERT INTO customers (name, email, street_address, city, state, zip_code)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET street_address ="
                + " EXCLUDED.street_address, city = EXCLUDED.city, state = EXCLUDED.state, zip_code = EXCLUDED.zip_code";
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(v2)) {
            for (String[] row : new String[][] {
                {"Newer", "newer@example.com", "2 Second St", "Boston", "MA", "02101"},
                {"Old", "c6@example.com", "6 Lake St", "Denver", "CO", "80201"}
            }) {
                for (int i = 0; i < row.length; i++) {
                    ps.setString(i + 1, row[i]);
                }
                ps.executeUpdate();
            }
        }

        Apps.V1 old = new Apps.V1(ds);
        Apps.V2 neu = new Apps.V2(ds);
        assertThat(old.address(5)).isEqualTo("5 Moved St, Dallas, TX, 75201");
        assertThat(neu.address(5)).isEqualTo(new Address("5 Moved St", "Dallas", "TX", "75201"));
        assertThat(old.address(6)).isEqualTo("6 Lake St, Denver, CO, 80201");
        assertThat(Db.strings(ds, "SELECT city FROM customers WHERE email = 'new@example.com'"))
                .containsExactly("Austin");
        assertThat(Db.strings(ds, "SELECT address FROM customers WHERE email = 'newer@example.com'"))
                .containsExactly("2 Second St, Boston, MA, 02101");
        assertThat(migrator.verify(plan).contractable()).isTrue();
    }

    static final String CSV = """
            Copy A,copy-a@example.com,"7 Copy St, Reno, NV, 89501"
            Copy B,copy-b@example.com,not a valid address
            """;

    @Test
    void copy_intoTheOldShape_fillsTheNewOne() throws Exception {
        try (Connection c = ds.getConnection()) {
            long copied = c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY customers (name, email, address) FROM STDIN WITH (FORMAT csv)",
                            new StringReader(CSV));
            assertThat(copied).isEqualTo(2);
        }
        assertThat(Db.strings(ds, "SELECT city FROM customers WHERE email = 'copy-a@example.com'"))
                .containsExactly("Reno");
        // a value the plan cannot map arrives by COPY too: the write succeeds and the row is recorded
        assertThat(Db.count(ds, "SELECT count(*) FROM tandem.unmapped")).isEqualTo(1);
        migrator.backfill(plan);
        assertThat(migrator.verify(plan).unmappedRows()).isEqualTo(1);
    }

    @Test
    void ormSavingEveryColumn_afterTheBackfill_changesOnlyWhatItChanged() throws Exception {
        migrator.backfill(plan);
        // an ORM of the new version loads a row and saves all of its columns back, one of them changed
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE customers SET name = name, email = email, street_address = street_address,"
                    + " city = 'Portland', state = state, zip_code = zip_code, created_at = created_at WHERE id = 9");
            // and one of the old version saves every column it knows, none of them changed
            s.executeUpdate("UPDATE customers SET name = name, email = email, address = address,"
                    + " updated_at = updated_at WHERE id = 10");
        }
        assertThat(new Apps.V1(ds).address(9)).isEqualTo("9 Main St, Portland, IL, 00009");
        assertThat(new Apps.V2(ds).address(10)).isEqualTo(new Address("10 Main St", "Springfield", "IL", "00010"));
        assertThat(migrator.verify(plan).contractable()).isTrue();
    }

    @Test
    void statementsNamingBothSides_fireBothUpdateTriggers_andEndAsOneSyncWould() throws Exception {
        // before the backfill: an old-version change that also names the (empty) new columns
        Db.exec(
                ds,
                "UPDATE customers SET address = '1 New St, Boston, MA, 02101', street_address = street_address,"
                        + " city = city, state = state, zip_code = zip_code WHERE id = 11");
        // and a malformed one: mapped once, recorded once
        Db.exec(
                ds,
                "UPDATE customers SET address = 'no commas here', street_address = street_address, city = city,"
                        + " state = state, zip_code = zip_code WHERE id = 12");
        assertThat(new Apps.V2(ds).address(11)).isEqualTo(new Address("1 New St", "Boston", "MA", "02101"));
        assertThat(new Apps.V2(ds).address(12)).isEqualTo(new Address(null, null, null, null));
        assertThat(Db.count(ds, "SELECT count(*) FROM tandem.unmapped WHERE row_key = ARRAY['12']"))
                .isEqualTo(1);
        migrator.backfill(plan);
        // after it: an ORM of the new version that saves every column, the old one unchanged
        Db.exec(
                ds,
                "UPDATE customers SET address = address, street_address = street_address, city = 'Portland',"
                        + " state = state, zip_code = zip_code WHERE id = 13");
        // and the old version's change with the new columns named, unchanged
        Db.exec(
                ds,
                "UPDATE customers SET address = '2 Oak St, Salem, OR, 97301', street_address = street_address,"
                        + " city = city, state = state, zip_code = zip_code WHERE id = 14");
        assertThat(new Apps.V1(ds).address(13)).isEqualTo("13 Main St, Portland, IL, 00013");
        assertThat(new Apps.V2(ds).address(14)).isEqualTo(new Address("2 Oak St", "Salem", "OR", "97301"));
        assertThat(migrator.verify(plan).unmappedRows()).isEqualTo(1);
    }
}
