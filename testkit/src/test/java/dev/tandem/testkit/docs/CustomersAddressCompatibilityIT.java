package dev.tandem.testkit.docs;

// The code of testkit/README.md: the tagged region is shown there, and DocsSnippetsTest keeps the two equal.

// tag::imports[]
import dev.tandem.DeriveColumns;
import dev.tandem.MigrationPlan;
import dev.tandem.plan.ColumnType;
import dev.tandem.plan.SqlExpression;
import dev.tandem.plan.TableName;
import dev.tandem.testkit.AppVersion;
import dev.tandem.testkit.CompatibilityHarness;
import dev.tandem.testkit.TandemTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
// end::imports[]

// tag::test[]
@TandemTest
class CustomersAddressCompatibilityIT {

    static final TableName CUSTOMERS = TableName.of("customers");

    // The plan under test: split customers.address into four columns, kept in sync both ways until contract.
    static final MigrationPlan PLAN = MigrationPlan.named("customers-address-split")
            .deriveColumns(DeriveColumns.on(CUSTOMERS)
                    .from("address")
                    .into("street_address", ColumnType.varchar(255), sql("trim(split_part(address, ',', 1))"))
                    .into("city", ColumnType.varchar(100), sql("trim(split_part(address, ',', 2))"))
                    .into("state", ColumnType.varchar(2), sql("trim(split_part(address, ',', 3))"))
                    .into("zip_code", ColumnType.varchar(10), sql("trim(split_part(address, ',', 4))"))
                    // NULL, not '', when the new version clears every part (concat_ws skips NULLs)
                    .backward(
                            "address",
                            sql("CASE WHEN num_nonnulls(street_address, city, state, zip_code) = 0 THEN NULL"
                                    + " ELSE concat_ws(', ', street_address, city, state, zip_code) END"))
                    .mappableWhen(sql("address ~ '^[^,]+,[^,]+,[^,]+,[^,]+$'")))
            .dropColumn(CUSTOMERS, "address")
            .build();

    // What both versions can produce, so that the harness can compare what each reads.
    record Address(String street, String city, String state, String zip) {
        static Address of(String oneLine) {
            String[] p = oneLine.split(",", -1);
            return new Address(part(p, 0), part(p, 1), part(p, 2), part(p, 3));
        }

        private static String part(String[] parts, int i) {
            return i < parts.length ? parts[i].strip() : null; // a missing part reads as null
        }

        String oneLine() {
            return String.join(", ", street, city, state, zip);
        }
    }

    // The old version: one text column.
    static final AppVersion V1 = AppVersion.named("v1")
            .operation("list customers", ds -> new V1Customers(ds).all())
            .operation("move first customer", ds -> new V1Customers(ds).move(1, "9 Elm St, Reno, NV, 89501"))
            .writes(
                    "customer",
                    (ds, key) -> new V1Customers(ds).add(key, addressFor(key).oneLine()))
            .reads("customer", (ds, key) -> Address.of(new V1Customers(ds).addressOf(key)));

    // The new version: four columns, and no dual-write code at all.
    static final AppVersion V2 = AppVersion.named("v2")
            .operation("list customers", ds -> new V2Customers(ds).all())
            .operation(
                    "move first customer",
                    ds -> new V2Customers(ds).move(1, new Address("9 Elm St", "Reno", "NV", "89501")))
            .writes("customer", (ds, key) -> new V2Customers(ds).add(key, addressFor(key)))
            .reads("customer", (ds, key) -> new V2Customers(ds).addressOf(key));

    @Test
    void bothVersionsWorkAtEveryState(CompatibilityHarness harness) {
        harness.check(PLAN)
                .schema(ds -> exec(
                        ds,
                        "CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL,"
                                + " email text NOT NULL UNIQUE, address text)"))
                .seed(ds -> exec(
                        ds,
                        "INSERT INTO customers (name, email, address) SELECT 'c' || g, g || '@example.com',"
                                + " g || ' Main St, Springfield, IL, 62701' FROM generate_series(1, 100) g"))
                .oldVersion(V1)
                .newVersion(V2)
                .assertCompatible();
    }

    // Stand-ins for the application's own data access code (plain JDBC here; jOOQ or a repository works the same).
    static Address addressFor(String key) {
        return new Address(key + " Main St", "Boston", "MA", "02101");
    }

    record V1Customers(DataSource ds) {
        void add(String key, String address) throws SQLException {
            update("INSERT INTO customers (name, email, address) VALUES (?, ?, ?)", key, key + "@example.com", address);
        }

        void move(long id, String address) throws SQLException {
            update("UPDATE customers SET address = ? WHERE id = " + id, address);
        }

        String addressOf(String key) throws SQLException {
            return query("SELECT address FROM customers WHERE email = ?", key + "@example.com")
                    .get(0);
        }

        List<String> all() throws SQLException {
            return query("SELECT address FROM customers ORDER BY id LIMIT 50");
        }

        private void update(String sql, String... args) throws SQLException {
            CustomersAddressCompatibilityIT.update(ds, sql, args);
        }

        private List<String> query(String sql, String... args) throws SQLException {
            return CustomersAddressCompatibilityIT.query(ds, sql, args);
        }
    }

    record V2Customers(DataSource ds) {
        void add(String key, Address a) throws SQLException {
            CustomersAddressCompatibilityIT.update(
                    ds,
                    "INSERT INTO customers (name, email, street_address, city, state, zip_code) VALUES (?, ?, ?, ?, ?, ?)",
                    key,
                    key + "@example.com",
                    a.street(),
                    a.city(),
                    a.state(),
                    a.zip());
        }

        void move(long id, Address a) throws SQLException {
            CustomersAddressCompatibilityIT.update(
                    ds,
                    "UPDATE customers SET street_address = ?, city = ?, state = ?, zip_code = ? WHERE id = " + id,
                    a.street(),
                    a.city(),
                    a.state(),
                    a.zip());
        }

        Address addressOf(String key) throws SQLException {
            List<String> row = query(
                    ds,
                    "SELECT concat_ws(', ', street_address, city, state, zip_code) FROM customers WHERE email = ?",
                    key + "@example.com");
            return Address.of(row.get(0));
        }

        List<String> all() throws SQLException {
            return query(ds, "SELECT city FROM customers ORDER BY id LIMIT 50");
        }
    }

    static SqlExpression sql(String expression) {
        return SqlExpression.trusted(expression);
    }

    static void exec(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void update(DataSource ds, String sql, String... args) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    static List<String> query(DataSource ds, String sql, String... args) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
// end::test[]
