package dev.tandem.testkit;

import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The tutorial's customers/address story as the test kit's own tests use it: the v1 schema, the split plan (and its
 * broken variants, built from the same parts), and the two application versions written with plain JDBC.
 */
final class CustomersAddress {
    private CustomersAddress() {}

    static final TableName CUSTOMERS = TableName.of("customers");

    static final String FORWARD_STREET = "trim(split_part(address, ',', 1))";
    static final String FORWARD_CITY = "trim(split_part(address, ',', 2))";
    static final String FORWARD_STATE = "trim(split_part(address, ',', 3))";
    static final String FORWARD_ZIP = "trim(split_part(address, ',', 4))";
    static final String BACKWARD = "CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0 THEN NULL"
            + " ELSE concat_ws(', ', street_address, city, state, zip_code) END";

    /** The v1 schema of the tutorial (docker/init.sql). */
    static final DatabaseAction SCHEMA = ds -> exec(ds, CustomersAddress.SCHEMA_SQL);

    /** The SQL of {@link #SCHEMA}. */
    static final String SCHEMA_SQL = "CREATE TABLE customers (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL,"
            + " email varchar(255) NOT NULL UNIQUE, address text,"
            + " created_at timestamp DEFAULT CURRENT_TIMESTAMP, updated_at timestamp DEFAULT CURRENT_TIMESTAMP);"
            + " CREATE INDEX customers_created_idx ON customers (created_at)";

    /** The role both versions connect as, with what a DBA granted the application on the v1 schema. */
    static final AppRole APP = AppRole.named("tandem_app")
            .grant("SELECT, INSERT, UPDATE, DELETE ON customers")
            .grant("USAGE ON SEQUENCE customers_id_seq");

    /** Bulk rows, so that the backfill has batches to run. */
    static final DatabaseAction SEED = ds -> exec(
            ds,
            "INSERT INTO customers (name, email, address) SELECT 'Customer ' || g, 'c' || g || '@example.com',"
                    + " g || ' Main St, Springfield, IL, ' || lpad(g::text, 5, '0') FROM generate_series(1, 40) g");

    static DeriveColumns split(String backward) {
        return DeriveColumns.on(CUSTOMERS)
                .named("customers.address")
                .from("address")
                .into("street_address", ColumnType.varchar(255), SqlExpression.trusted(FORWARD_STREET))
                .into("city", ColumnType.varchar(100), SqlExpression.trusted(FORWARD_CITY))
                .into("state", ColumnType.varchar(2), SqlExpression.trusted(FORWARD_STATE))
                .into("zip_code", ColumnType.varchar(10), SqlExpression.trusted(FORWARD_ZIP))
                .backward("address", SqlExpression.trusted(backward))
                .mappableWhen(SqlExpression.trusted("address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$'"));
    }

    /** The correct plan. */
    static MigrationPlan plan() {
        return MigrationPlan.named("customers-address-split")
                .deriveColumns(split(BACKWARD))
                .dropColumn(CUSTOMERS, "address")
                .build();
    }

    /** A structured address, the representation both versions can produce. */
    record Address(
            @Nullable String street,
            @Nullable String city,
            @Nullable String state,
            @Nullable String zip) {
        /** How v1 shows its one text column as an address. */
        static @Nullable Address parse(@Nullable String text) {
            if (text == null) {
                return null;
            }
            String[] parts = text.split(",", -1);
            return new Address(part(parts, 0), part(parts, 1), part(parts, 2), part(parts, 3));
        }

        private static @Nullable String part(String[] parts, int i) {
            return i < parts.length ? parts[i].strip() : null;
        }

        String text() {
            return street + ", " + city + ", " + state + ", " + zip;
        }
    }

    private static final String[][] CITIES = {
        {"Boston", "MA", "02101"}, {"Denver", "CO", "80201"}, {"Austin", "TX", "73301"}, {"Miami", "FL", "33101"}
    };

    /** The address a version writes for a harness key: different cities, so a mix-up shows. */
    static Address addressFor(String key) {
        String[] city = CITIES[Math.floorMod(key.hashCode(), CITIES.length)];
        return new Address(key + " Main St", city[0], city[1], city[2]);
    }

    static String email(String key) {
        return key + "@example.com";
    }

    // ------------------------------------------------------------------------------------------------ version 1

    /** v1: reads and writes the one {@code address} column. */
    static AppVersion v1() {
        return AppVersion.named("v1")
                .operation(
                        "insert customer",
                        ds -> v1Insert(
                                ds, "new-" + UUID.randomUUID(), addressFor("x").text()))
                .operation(
                        "update address",
                        ds -> update(ds, "UPDATE customers SET address = ? WHERE id = ?", "9 Elm St, Reno, NV, 89501"))
                .operation(
                        "list customers",
                        ds -> list(ds, "SELECT id, name, email, address FROM customers ORDER BY id LIMIT 20"))
                .writes(
                        "customer",
                        (ds, key) -> v1Insert(ds, key, addressFor(key).text()))
                .reads(
                        "customer",
                        (ds, key) ->
                                Address.parse(string(ds, "SELECT address FROM customers WHERE email = ?", email(key))))
                .changes(
                        "customer",
                        "move",
                        (ds, key) -> byEmail(
                                ds,
                                "UPDATE customers SET address = ? WHERE email = ?",
                                moved(key).text(),
                                key))
                .query("customer by email", "SELECT id, address FROM customers WHERE email = $1")
                .connectsAs(APP)
                .sessionSetting("TimeZone", "America/Denver")
                .connectionProperty("prepareThreshold", "1");
    }

    /** Where a move takes the customer: another city than {@link #addressFor}'s for most keys. */
    static Address moved(String key) {
        String[] city = CITIES[Math.floorMod(key.hashCode() + 1, CITIES.length)];
        return new Address(key + " Oak Ave", city[0], city[1], city[2]);
    }

    /** Runs {@code sql} with {@code value} and the key's email as its two parameters; fails unless one row changed. */
    static void byEmail(DataSource ds, String sql, @Nullable String value, String key) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.setString(2, email(key));
            if (ps.executeUpdate() != 1) {
                throw new SQLException("no customer " + email(key));
            }
        }
    }

    static void v1Insert(DataSource ds, String key, String address) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO customers (name, email, address) VALUES (?, ?, ?)")) {
            ps.setString(1, "Customer " + key);
            ps.setString(2, email(key));
            ps.setString(3, address);
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------------------------------------ version 2

    /** v2: reads and writes the structured columns only; no dual-write code. */
    static AppVersion v2() {
        return AppVersion.named("v2")
                .operation("insert customer", ds -> v2Insert(ds, "new-" + UUID.randomUUID(), addressFor("y")))
                .operation(
                        "update address",
                        ds -> update(
                                ds,
                                "UPDATE customers SET street_address = '9 Elm St', city = 'Reno', state = 'NV', zip_code = ?"
                                        + " WHERE id = ?",
                                "89501"))
                .operation(
                        "find by city",
                        ds -> list(
                                ds,
                                "SELECT id, street_address, city, state, zip_code FROM customers WHERE city = 'Boston'"))
                .writes("customer", (ds, key) -> v2Insert(ds, key, addressFor(key)))
                .reads("customer", CustomersAddress::v2Read)
                .changes("customer", "move", (ds, key) -> {
                    Address a = moved(key);
                    try (Connection c = ds.getConnection();
                            PreparedStatement ps = c.prepareStatement("UPDATE customers SET street_address = ?,"
                                    + " city = ?, state = ?, zip_code = ? WHERE email = ?")) {
                        ps.setString(1, a.street());
                        ps.setString(2, a.city());
                        ps.setString(3, a.state());
                        ps.setString(4, a.zip());
                        ps.setString(5, email(key));
                        ps.executeUpdate();
                    }
                })
                .changes(
                        "customer",
                        "clear zip",
                        (ds, key) -> byEmail(ds, "UPDATE customers SET zip_code = ? WHERE email = ?", null, key))
                .query("customer by email", "SELECT id, city FROM customers WHERE email = $1")
                .query("recent customers", "SELECT id FROM customers WHERE created_at > $1")
                .connectsAs(APP)
                .sessionSetting("search_path", "public")
                .sessionSetting("application_name", "billing-v2")
                .connectionProperty("autosave", "always");
    }

    static void v2Insert(DataSource ds, String key, Address a) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO customers (name, email, street_address, city,"
                        + " state, zip_code) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, "Customer " + key);
            ps.setString(2, email(key));
            ps.setString(3, a.street());
            ps.setString(4, a.city());
            ps.setString(5, a.state());
            ps.setString(6, a.zip());
            ps.executeUpdate();
        }
    }

    static @Nullable Address v2Read(DataSource ds, String key) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT street_address, city, state, zip_code FROM customers WHERE email = ?")) {
            ps.setString(1, email(key));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? new Address(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))
                        : null;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ JDBC helpers

    static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Updates the row with the lowest id. */
    static void update(DataSource ds, String sql, String value) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.setLong(2, firstId(c));
            ps.executeUpdate();
        }
    }

    private static long firstId(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT min(id) FROM customers")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs a query and reads every row, as a list page would. */
    static void list(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                if (rs.getString(1) == null) {
                    throw new SQLException("a row without an id");
                }
            }
        }
    }

    static @Nullable String string(DataSource ds, String sql, String arg) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
